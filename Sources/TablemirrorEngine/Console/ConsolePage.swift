import Foundation
import Mustache

/// Renders the console's page, its body alone (what the page's script fetches again) and the login form.
public struct ConsolePage: Sendable {
    private let library: MustacheLibrary

    public init() throws {
        library = MustacheLibrary(templates: [
            "page": try MustacheTemplate(string: ConsoleTemplates.page),
            "body": try MustacheTemplate(string: ConsoleTemplates.body),
            "login": try MustacheTemplate(string: ConsoleTemplates.login),
        ])
    }

    public func page(_ context: [String: Any]) -> String {
        var context = context
        context["style"] = ConsoleTemplates.style
        context["script"] = ConsoleTemplates.script
        return library.render(context, withTemplate: "page") ?? ""
    }

    public func body(_ context: [String: Any]) -> String {
        library.render(context, withTemplate: "body") ?? ""
    }

    public func login(failed: Bool) -> String {
        library.render(["style": ConsoleTemplates.style, "failed": failed], withTemplate: "login") ?? ""
    }
}
