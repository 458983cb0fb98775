/// The console's templates (Mustache): the page, and its body, which the page's script fetches again every few
/// seconds. `{{x}}` is HTML-escaped; only `{{{chart}}}`, an SVG `LagChart` drew from numbers, is placed as it is.
enum ConsoleTemplates {
    static let page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>tablemirror console</title><style>{{{style}}}</style></head>
        <body data-stale="false" data-can-act="{{canAct}}">
        <header><h1>tablemirror</h1><span id="updated">figures of {{takenAt}}</span>
        {{#readOnly}}<span class="readonly">read-only: this token may look, not act</span>{{/readOnly}}</header>
        <div id="stale" hidden></div>
        <div id="action-result" aria-live="polite"></div>
        <main id="console">{{> body}}</main>
        <dialog id="confirm"><p id="confirm-text"></p><button id="confirm-yes">Yes, do it</button> <button id="confirm-no">Cancel</button></dialog>
        <script>{{{script}}}</script>
        </body></html>
        """

    static let body = """
        <div id="snapshot" data-taken-at="{{takenAtEpoch}}">
        <section class="source"><h2>Source</h2>
        {{#sourceError}}<p class="error">source unreachable: {{sourceError}}</p>{{/sourceError}}
        <dl><dt>server</dt><dd class="source-server">{{sourceServer}}</dd>
        <dt>head</dt><dd class="source-head">{{sourceHead}}</dd><dt>GTID</dt><dd class="gtid">{{sourceGTID}}</dd>
        <dt>oldest binlog still needed</dt><dd class="oldest-needed">{{oldestNeeded}}</dd></dl>
        <table class="binlogs"><thead><tr><th>binlog file</th><th>size</th><th></th></tr></thead><tbody>
        {{#binlogs}}<tr class="{{#isNeeded}}needed{{/isNeeded}}"><td>{{file}}</td><td>{{fileSize}}</td><td>{{#isOldestNeeded}}oldest still needed{{/isOldestNeeded}}</td></tr>{{/binlogs}}
        </tbody></table></section>
        {{#targets}}
        <section class="target state-{{stateClass}}" data-target="{{name}}" data-state="{{state}}">
        <h2>{{name}} <span class="state">{{state}}</span>{{#failure}} <span class="failure">{{failure}}</span>{{/failure}}{{#role}} <span class="role">{{role}}</span>{{/role}}</h2>
        {{#targetError}}<p class="error">{{targetError}}</p>{{/targetError}}
        <dl class="figures"><dt>behind</dt><dd><span class="lag-seconds" data-value="{{lagSecondsValue}}">{{lagSeconds}} s</span>,
        <span class="lag-bytes" data-value="{{lagBytesValue}}">{{lagBytes}}</span></dd>
        <dt>rows/s</dt><dd class="rows-per-second">{{rowsPerSecond}}</dd><dt>position</dt><dd class="position">{{position}}</dd>
        {{#targetGTID}}<dt>GTID</dt><dd class="gtid">{{targetGTID}}</dd>{{/targetGTID}}</dl>
        <figure class="chart" data-points="{{chartPoints}}">{{{chart}}}<figcaption><span class="key-lag">lag (s)</span> <span class="key-rows">rows/s</span></figcaption></figure>
        <table class="tables"><thead><tr><th>source</th><th>replica</th><th>filter</th><th>rows applied</th><th>last change applied</th><th>copy</th><th>verify</th><th></th></tr></thead><tbody>
        {{#tables}}<tr data-table="{{source}}"><td>{{source}}</td><td>{{replica}}</td><td><code>{{filter}}</code></td><td class="rows-applied">{{rowsApplied}}</td><td>{{lastApplied}}</td>
        <td class="copy">{{#copy}}<div class="copy-progress" data-copy-state="{{copyState}}" data-rows="{{copyRows}}"><progress max="{{copyEstimate}}" value="{{copyRows}}"></progress>
        {{copyRows}} rows{{#copyRate}}, {{copyRate}} rows/s{{/copyRate}}{{#copyETA}}, about {{copyETA}} left{{/copyETA}} ({{copyReason}}, {{copyState}})</div>{{/copy}}</td>
        <td class="verify" data-result="{{verifyResult}}">{{verifyText}}</td>
        <td class="actions"><button data-action="resync" data-url="{{resyncURL}}" data-confirm="Copy {{source}} again into {{name}} (resync)?" {{#readOnly}}disabled{{/readOnly}}>resync</button>
        <button data-action="verify" data-url="{{verifyURL}}" data-confirm="Compare {{source}} with its replica in {{name}} (verify)?" {{#readOnly}}disabled{{/readOnly}}>verify</button>
        <button data-action="repair" data-url="{{repairURL}}" data-confirm="Verify {{source}} in {{name}} and copy the differing rows again (repair)?" {{#readOnly}}disabled{{/readOnly}}>repair</button></td></tr>{{/tables}}
        </tbody></table>
        <h3>Dead letters ({{deadLetterCount}})</h3>
        {{#hasDeadLetters}}<table class="dead-letters"><thead><tr><th>#</th><th>table</th><th>change</th><th>at</th><th>error</th><th>when</th><th></th></tr></thead><tbody>
        {{#deadLetters}}<tr data-letter="{{letterID}}"><td>{{letterID}}</td><td>{{letterTable}}</td><td>{{letterOperation}}</td><td>{{letterPosition}}</td><td>{{letterError}}</td><td>{{letterAt}}</td>
        <td><button data-action="retry" data-url="{{letterRetryURL}}" data-confirm="Put the rows of dead letter {{letterID}} right from the source (retry)?" {{#readOnly}}disabled{{/readOnly}}>retry</button>
        <button data-action="discard" data-url="{{letterDiscardURL}}" data-confirm="Discard dead letter {{letterID}} without applying it?" {{#readOnly}}disabled{{/readOnly}}>discard</button></td></tr>{{/deadLetters}}
        </tbody></table>{{/hasDeadLetters}}
        <h3>Recent schema changes</h3>
        {{#hasSchemaChanges}}<ol class="schema-changes">{{#schemaChanges}}<li><span class="when">{{changeAt}}</span> {{changeTable}} at {{changePosition}}: <code>{{changeStatement}}</code></li>{{/schemaChanges}}</ol>{{/hasSchemaChanges}}
        {{^hasSchemaChanges}}<p class="none">none recorded</p>{{/hasSchemaChanges}}
        </section>
        {{/targets}}
        <section class="alerts"><h2>Alerts</h2>
        <h3>Open</h3>{{^openAlerts}}<p class="none">none</p>{{/openAlerts}}
        <ul class="open-alerts">{{#openAlerts}}<li class="alert firing" data-kind="{{alertKind}}"><span class="when">since {{alertSince}}</span> <b>{{alertKind}}</b> {{alertMessage}}</li>{{/openAlerts}}</ul>
        <h3>Recent</h3>{{^recentAlerts}}<p class="none">none since the daemon started</p>{{/recentAlerts}}
        <ul class="recent-alerts">{{#recentAlerts}}<li class="alert {{alertState}}" data-kind="{{alertKind}}"><span class="when">{{alertAt}}</span> {{alertState}} <b>{{alertKind}}</b> {{alertMessage}}</li>{{/recentAlerts}}</ul>
        </section>
        </div>
        """

    /// The login form, for a browser that has no token cookie yet.
    static let login = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>tablemirror console: token</title><style>{{{style}}}</style></head>
        <body><header><h1>tablemirror</h1></header><main>{{#failed}}<p class="error">That token is not accepted.</p>{{/failed}}
        <form method="post" action="/console/login"><label>Admin token <input type="password" name="token" autocomplete="current-password" autofocus></label>
        <button type="submit">Open the console</button></form></main></body></html>
        """

    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f4f6f9}
        header{display:flex;gap:1em;align-items:baseline;padding:.6em 1em;background:#1d2330;color:#fff}header h1{font-size:1.2em;margin:0}
        .readonly{background:#8a6d00;padding:0 .5em;border-radius:3px}
        main{padding:0 1em 2em}section{background:#fff;border:1px solid #d6dbe3;border-radius:6px;margin:1em 0;padding:.5em 1em}
        section.target{border-left:6px solid #8a94a6}.state-ok{border-left-color:#2e8b57!important}.state-busy{border-left-color:#2f6fd6!important}
        .state-warn{border-left-color:#d9a400!important}.state-bad{border-left-color:#c62828!important}
        .state-ok .state{color:#2e8b57}.state-busy .state{color:#2f6fd6}.state-warn .state{color:#a07800}.state-bad .state{color:#c62828}
        h2 .state,h2 .failure,h2 .role{font-size:.8em;font-weight:normal;margin-left:.5em}
        dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}dt{color:#5a6475}dd{margin:0}
        table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{text-align:left;padding:.2em .5em;border-bottom:1px solid #e6e9ef;vertical-align:top}
        tr.needed td{color:#1d2330}.binlogs tr:not(.needed) td{color:#8a94a6}
        .error{color:#c62828}#stale{background:#fff3cd;border:1px solid #d9a400;padding:.5em 1em;margin:1em}
        #action-result{margin:.5em 1em;min-height:1.2em}#action-result[data-status=error]{color:#c62828}
        .lag-chart{width:100%;max-width:640px;height:auto}.lag-chart .plot{fill:#fafbfd;stroke:#d6dbe3}
        .lag-chart polyline.lag{stroke:#c62828;stroke-width:1.5}.lag-chart polyline.rows{stroke:#2f6fd6;stroke-width:1}
        .lag-chart text{font-size:10px;fill:#5a6475}.key-lag{color:#c62828}.key-rows{color:#2f6fd6}
        .verify[data-result=identical]{color:#2e8b57}.verify[data-result=differs]{color:#c62828}
        .alert.firing b{color:#c62828}.alert.resolved b{color:#2e8b57}.when{color:#5a6475}code{font-size:.9em;word-break:break-all}
        progress{width:8em}.none{color:#8a94a6}
        """

    /// Refreshes the body three seconds after the last refresh ended (saying when the daemon stops answering, or refuses the page's token:
    /// the cookie cleared or expired, the daemon restarted with another token), and runs the buttons' actions after a
    /// confirmation, sending the header that tells the endpoint the request is the console's own. A refusal (401,
    /// 403) comes without a JSON body: the action then reports its HTTP status.
    static let script = """
        (function () {
          var main = document.getElementById('console'), stale = document.getElementById('stale');
          var updated = document.getElementById('updated'), last = new Date();
          function refresh() {
            return fetch('/console/body', {credentials: 'same-origin', cache: 'no-store'}).then(function (r) {
              if (!r.ok) { var failed = new Error('HTTP ' + r.status); failed.refused = r.status === 401; throw failed; }
              return r.text();
            }).then(function (html) {
              main.innerHTML = html; last = new Date(); stale.hidden = true; document.body.dataset.stale = 'false';
              updated.textContent = 'figures of ' + last.toISOString().replace('T', ' ').slice(0, 19) + 'Z';
            }).catch(function (e) {
              stale.hidden = false; document.body.dataset.stale = 'true';
              stale.textContent = (e.refused ? 'The daemon refuses the token this page logged in with (' + e.message + '); log in again at '
                + '/console/login' : 'The daemon does not answer (' + e.message + ')') + ': the figures below are from ' +
                last.toISOString().replace('T', ' ').slice(0, 19) + 'Z and may be stale.';
            });
          }
          // The next refresh waits for the last one: a slow daemon or target gets one request at a time, not a pile.
          (function every() { setTimeout(function () { refresh().then(every); }, 3000); })();
          var dialog = document.getElementById('confirm'), pending = null;
          document.addEventListener('click', function (event) {
            var button = event.target.closest('button[data-action]');
            if (!button || button.disabled) { return; }
            pending = button;
            document.getElementById('confirm-text').textContent = button.dataset.confirm;
            dialog.showModal();
          });
          document.getElementById('confirm-no').addEventListener('click', function () { pending = null; dialog.close(); });
          document.getElementById('confirm-yes').addEventListener('click', function () {
            var button = pending, out = document.getElementById('action-result');
            pending = null; dialog.close();
            if (!button) { return; }
            out.dataset.status = 'running'; out.dataset.action = button.dataset.action;
            out.textContent = button.dataset.action + ': running…';
            fetch(button.dataset.url, {method: 'POST', credentials: 'same-origin', headers: {'X-Tablemirror-Console': '1'}})
              .then(function (r) {
                return r.json().catch(function () { return {error: 'HTTP ' + r.status}; }).then(function (j) { return [r.ok, j]; });
              })
              .then(function (answer) {
                out.dataset.status = answer[0] ? 'ok' : 'error';
                out.textContent = button.dataset.action + ': ' + (answer[1].result || answer[1].error || '');
              })
              .catch(function (e) { out.dataset.status = 'error'; out.textContent = button.dataset.action + ' failed: ' + e.message; })
              .then(refresh);
          });
        })();
        """
}
