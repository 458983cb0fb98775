#!/usr/bin/env bash
# Sourced by scripts/test.sh: makes a throwaway certificate authority and certificates for the test servers.
#   tm_make_test_certs DIR   writes into DIR (created, emptied of earlier certificates):
#     ca.pem                       the authority every certificate below is signed by
#     loopback.pem, loopback.key   a server certificate for 127.0.0.1 and localhost (the source, the admin endpoint)
#     other-host.pem, other-host.key  a server certificate for other-host.invalid only: valid for verify_ca,
#                                  refused by verify_identity when connecting to 127.0.0.1 (the target server)
#     client.pem, client.key       a client certificate (CN tm-client), for cert_file/key_file
#     other-ca.pem                 an authority that signed none of these (verify_ca against it must fail)
# Keys are RSA 2048 (fast to make) and written with mode 600; the authority's key is deleted at the end.

tm_make_test_certs() {
    local dir=$1
    command -v openssl >/dev/null 2>&1 || { echo "test-certs.sh: openssl is not installed" >&2; return 1; }
    mkdir -p "$dir"
    rm -f "$dir"/*.pem "$dir"/*.key "$dir"/*.csr "$dir"/*.ext "$dir"/*.srl
    (
        set -e
        umask 077
        cd "$dir"
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=tablemirror test CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -keyout ca.key -out ca.pem 2>/dev/null
        tm_sign_test_cert loopback "/CN=127.0.0.1" "subjectAltName=IP:127.0.0.1,DNS:localhost" serverAuth
        tm_sign_test_cert other-host "/CN=other-host.invalid" "subjectAltName=DNS:other-host.invalid" serverAuth
        tm_sign_test_cert client "/CN=tm-client" "" clientAuth
        openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=tablemirror other test CA" \
            -addext "basicConstraints=critical,CA:TRUE" -keyout other-ca.key -out other-ca.pem 2>/dev/null
        rm -f other-ca.key ca.key ca.srl ./*.csr ./*.ext
        # The servers run as root and read the keys; the client tests read client.key as the same user.
        chmod 644 ./*.pem
    )
}

# NAME SUBJECT SAN-EXTENSION USAGE: NAME.key and NAME.pem signed by ca.pem (in the current directory).
tm_sign_test_cert() {
    local name=$1 subject=$2 san=$3 usage=$4
    openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$name.key" -out "$name.csr" 2>/dev/null
    {
        echo "basicConstraints=CA:FALSE"
        echo "extendedKeyUsage=$usage"
        [ -n "$san" ] && echo "$san"
    } >"$name.ext"
    openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
        -extfile "$name.ext" -out "$name.pem" 2>/dev/null
}
