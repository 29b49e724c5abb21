/// Hand-written scanners for secrets: private key blocks, vendor tokens with fixed prefixes, JWTs,
/// passwords in URLs and connection strings. Each appends byte spans of UTF-8 text to `out`; one pass
/// over the bytes each, no regular expressions.
enum SecretScanners {
    /// `-----BEGIN … PRIVATE KEY-----` through the matching `-----END …-----` (to the end of the text when cut off).
    static func privateKeyBlocks(_ b: [UInt8], into out: inout [ScrubSpan]) {
        var i = 0
        while i + 10 < b.count {
            guard b[i] == 45, b.matches("-----BEGIN ", at: i) else { i += 1; continue }
            var j = i + 11, closed = false, sawPrivate = false
            while j < b.count, b[j] != 10, j < i + 80 {
                if b.matches("PRIVATE KEY", at: j) { sawPrivate = true }
                if b.matches("-----", at: j) { closed = true; break }
                j += 1
            }
            guard closed, sawPrivate || b.matches("PRIVATE", at: i + 11) else { i += 11; continue }
            var k = j + 5, end = b.count
            while k + 8 < b.count {
                if b[k] == 45, b.matches("-----END ", at: k) {
                    var m = k + 9
                    while m < b.count, b[m] != 10, !b.matches("-----", at: m) { m += 1 }
                    end = b.matches("-----", at: m) ? m + 5 : m
                    break
                }
                k += 1
            }
            out.append(ScrubSpan(i, end, .privateKey))
            i = end
        }
    }

    /// A fixed token prefix and how many body bytes of which class must follow it.
    struct Prefix: Sendable {
        let text: StaticString
        let minBody: Int
        let body: @Sendable (UInt8) -> Bool
    }

    static let tokenPrefixes: [Prefix] = [
        // GitHub personal, OAuth, user-to-server, server-to-server, refresh tokens; fine-grained PATs.
        Prefix(text: "ghp_", minBody: 36, body: { Byte.isAlnum($0) }), Prefix(text: "gho_", minBody: 36, body: { Byte.isAlnum($0) }),
        Prefix(text: "ghu_", minBody: 36, body: { Byte.isAlnum($0) }), Prefix(text: "ghs_", minBody: 36, body: { Byte.isAlnum($0) }),
        Prefix(text: "ghr_", minBody: 36, body: { Byte.isAlnum($0) }), Prefix(text: "github_pat_", minBody: 22, body: { Byte.isWord($0) }),
        // GitLab personal, deploy, runner tokens.
        Prefix(text: "glpat-", minBody: 20, body: { Byte.isToken($0) }), Prefix(text: "gldt-", minBody: 20, body: { Byte.isToken($0) }),
        Prefix(text: "glrt-", minBody: 20, body: { Byte.isToken($0) }),
        // Slack bot, user, app, refresh, config tokens.
        Prefix(text: "xoxb-", minBody: 10, body: { Byte.isToken($0) }), Prefix(text: "xoxp-", minBody: 10, body: { Byte.isToken($0) }),
        Prefix(text: "xoxa-", minBody: 10, body: { Byte.isToken($0) }), Prefix(text: "xoxr-", minBody: 10, body: { Byte.isToken($0) }),
        Prefix(text: "xoxs-", minBody: 10, body: { Byte.isToken($0) }), Prefix(text: "xoxo-", minBody: 10, body: { Byte.isToken($0) }),
        Prefix(text: "xapp-", minBody: 10, body: { Byte.isToken($0) }),
        // Stripe secret and restricted keys, webhook secrets.
        Prefix(text: "sk_live_", minBody: 16, body: { Byte.isAlnum($0) }), Prefix(text: "sk_test_", minBody: 16, body: { Byte.isAlnum($0) }),
        Prefix(text: "rk_live_", minBody: 16, body: { Byte.isAlnum($0) }), Prefix(text: "rk_test_", minBody: 16, body: { Byte.isAlnum($0) }),
        Prefix(text: "whsec_", minBody: 24, body: { Byte.isAlnum($0) }),
        // Google Cloud API keys and OAuth access tokens.
        Prefix(text: "AIza", minBody: 35, body: { Byte.isToken($0) }), Prefix(text: "ya29.", minBody: 20, body: { Byte.isToken($0) }),
        // OpenAI-style secret keys.
        Prefix(text: "sk-proj-", minBody: 32, body: { Byte.isToken($0) }), Prefix(text: "sk-", minBody: 40, body: { Byte.isAlnum($0) }),
    ]

    static let awsKeyPrefixes: [StaticString] = ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ABIA", "ACCA"]

    /// Vendor tokens recognisable by prefix (GitHub, GitLab, Slack, Stripe, Google, OpenAI) and AWS access key ids.
    static func prefixedTokens(_ b: [UInt8], into out: inout [ScrubSpan]) {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            // Tokens start at a word boundary with a letter.
            guard Byte.isAlpha(c), i == 0 || !Byte.isWord(b[i - 1]) else { i += 1; continue }
            var matched = false
            if Byte.isUpper(c), c == 65 {
                for p in awsKeyPrefixes where b.matches(p, at: i) {
                    var j = i + 4
                    while j < n, Byte.isUpper(b[j]) || Byte.isDigit(b[j]) { j += 1 }
                    if j - i == 20, j == n || !Byte.isAlnum(b[j]) {
                        out.append(ScrubSpan(i, j, .key)); i = j; matched = true
                    }
                    break
                }
            }
            if !matched {
                for p in tokenPrefixes where b[i] == p.text.utf8Start[0] && b.matches(p.text, at: i) {
                    var j = i + p.text.utf8CodeUnitCount
                    let bodyStart = j
                    while j < n, p.body(b[j]) { j += 1 }
                    if j - bodyStart >= p.minBody {
                        out.append(ScrubSpan(i, j, .key)); i = j; matched = true
                    }
                    break
                }
            }
            if !matched {
                // Skip the rest of this word.
                var j = i + 1
                while j < n, Byte.isWord(b[j]) { j += 1 }
                i = j
            }
        }
        slackWebhooks(b, into: &out)
        bearerTokens(b, into: &out)
    }

    /// `hooks.slack.com/services/T…/B…/…`: the path after `services/`.
    static func slackWebhooks(_ b: [UInt8], into out: inout [ScrubSpan]) {
        var i = 0
        while i < b.count {
            guard b[i] == 104, b.matches("hooks.slack.com/services/", at: i) else { i += 1; continue }
            let start = i + 25
            var j = start
            while j < b.count, Byte.isAlnum(b[j]) || b[j] == 47 { j += 1 }
            if j - start >= 20 { out.append(ScrubSpan(start, j, .key)) }
            i = j
        }
    }

    /// `Bearer <token>` as in Authorization headers: the token when it is at least 20 bytes.
    static func bearerTokens(_ b: [UInt8], into out: inout [ScrubSpan]) {
        var i = 0
        while i < b.count {
            guard b[i] == 66 || b[i] == 98, b.matchesIgnoringCase("bearer ", at: i), i == 0 || !Byte.isWord(b[i - 1]) else { i += 1; continue }
            var j = i + 7
            while j < b.count, b[j] == 32 { j += 1 }
            let start = j
            while j < b.count, Byte.isToken(b[j]) || b[j] == 46 || b[j] == 126 || b[j] == 43 || b[j] == 47 || b[j] == 61 { j += 1 }
            if j - start >= 20, (start..<j).contains(where: { Byte.isDigit(b[$0]) }) {
                out.append(ScrubSpan(start, j, .key))
            }
            i = max(j, i + 7)
        }
    }

    /// JSON Web Tokens: `eyJ…` header, `.` payload, `.` signature, in base64url.
    static func jwts(_ b: [UInt8], into out: inout [ScrubSpan]) {
        var i = 0
        let n = b.count
        while i + 3 < n {
            guard b[i] == 101, b[i + 1] == 121, b[i + 2] == 74, i == 0 || !Byte.isToken(b[i - 1]) else { i += 1; continue }
            var j = i
            var segments: [Int] = []
            var segStart = j
            while true {
                while j < n, Byte.isToken(b[j]) { j += 1 }
                segments.append(j - segStart)
                if segments.count < 3, j < n, b[j] == 46 { j += 1; segStart = j } else { break }
            }
            if segments.count == 3, segments[0] >= 10, segments[1] >= 10 {
                out.append(ScrubSpan(i, j, .jwt))
            }
            i = max(j, i + 3)
        }
    }

    /// `scheme://user:PASSWORD@host` (the password part) and `Password=…;` / `Pwd=…` / `AccountKey=…`
    /// / `SharedAccessKey=…` / `sig=…` in connection strings and query strings.
    static func urlAndConnectionStringPasswords(_ b: [UInt8], into out: inout [ScrubSpan]) {
        let n = b.count
        var i = 0
        while i + 3 < n {
            if b[i] == 58, b[i + 1] == 47, b[i + 2] == 47 {
                var j = i + 3, colon = -1
                while j < n {
                    let c = b[j]
                    if c == 64 || c == 47 || Byte.isSpace(c) || c == 34 || c == 39 || c == 63 || c == 35 || c == 96 { break }
                    if c == 58, colon < 0 { colon = j }
                    j += 1
                }
                if j < n, b[j] == 64, colon >= 0, colon + 1 < j, !isTemplate(b, colon + 1, j) {
                    out.append(ScrubSpan(colon + 1, j, .password))
                }
                i = j
                continue
            }
            i += 1
        }
        connectionStringValues(b, into: &out)
    }

    static let connectionKeys: [(StaticString, ScrubKind)] = [
        ("password=", .password), ("pwd=", .password), ("passwd=", .password),
        ("accountkey=", .key), ("sharedaccesskey=", .key), ("sharedaccesssignature=", .key), ("sig=", .key),
    ]

    static func connectionStringValues(_ b: [UInt8], into out: inout [ScrubSpan]) {
        let n = b.count
        var i = 0
        while i < n {
            let c = Byte.lower(b[i])
            guard c == 112 || c == 97 || c == 115, i == 0 || isConnectionSeparator(b[i - 1]) else { i += 1; continue }
            var advanced = false
            for (key, kind) in connectionKeys where b.matchesIgnoringCase(key, at: i) {
                let start = i + key.utf8CodeUnitCount
                var j = start
                while j < n, !(b[j] == 59 || b[j] == 38 || Byte.isSpace(b[j]) || b[j] == 34 || b[j] == 39 || b[j] == 96) { j += 1 }
                let minLength = kind == .password ? 3 : 16
                if j - start >= minLength, !isTemplate(b, start, j), isConnectionValue(b, i, start, j) {
                    out.append(ScrubSpan(start, j, kind))
                }
                i = j; advanced = true
                break
            }
            if !advanced { i += 1 }
        }
    }

    /// Rules out code that merely looks like `key=value`: keyword arguments (`password=get_pw()`,
    /// `password=None,`, `password=KEY_PASSWORD`). After a `;`, `&` or `?` any value counts; after a space
    /// or quote the value must not hold brackets or commas and must not be a name.
    static func isConnectionValue(_ b: [UInt8], _ keyStart: Int, _ start: Int, _ end: Int) -> Bool {
        if keyStart > 0, b[keyStart - 1] == 59 || b[keyStart - 1] == 38 || b[keyStart - 1] == 63 { return true }
        for k in start..<end where b[k] == 40 || b[k] == 41 || b[k] == 44 || b[k] == 91 || b[k] == 93 { return false }
        let value = String(decoding: b[start..<end], as: UTF8.self).lowercased()
        if SecretAssignmentScanner.nonValueWords.contains(value) { return false }
        return !SecretAssignmentScanner.isIdentifierLike(b, start, end) && !SecretAssignmentScanner.isUpperName(b, start, end)
            && !SecretAssignmentScanner.isCapWords(b, start, end) && !(start..<end).allSatisfy({ Byte.isLower(b[$0]) || b[$0] == 95 })
    }

    static func isConnectionSeparator(_ c: UInt8) -> Bool {
        c == 59 || c == 38 || c == 63 || Byte.isSpace(c) || c == 34 || c == 39 || c == 96
    }

    /// Values that are templates, not secrets: `${VAR}`, `{password}`, `%s`, `<PASSWORD>`, `****`.
    static func isTemplate(_ b: [UInt8], _ start: Int, _ end: Int) -> Bool {
        if start >= end { return true }
        let first = b[start]
        if first == 36 || first == 123 || first == 37 || first == 60 { return true }
        if (start..<end).allSatisfy({ b[$0] == 42 || b[$0] == 120 || b[$0] == 88 || b[$0] == 46 }) { return true }
        return false
    }
}
