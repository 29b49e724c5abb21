/// Hand-written scanners for personal data: e-mail addresses, IPv4 / IPv6 addresses and user names in
/// home-directory paths. Each appends byte spans of UTF-8 text to `out`.
enum PersonalDataScanners {
    /// Generic top-level domains accepted besides any two-letter lowercase country code. Keeps `a@b.weight`
    /// (matrix product then attribute in Python) from looking like an address.
    static let genericTLDs: Set<String> = [
        "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "dev", "app", "io",
        "tech", "online", "site", "xyz", "cloud", "email", "mail", "local", "internal", "corp", "test",
        "example", "invalid", "company", "group", "systems", "works", "software", "solutions", "network",
    ]

    /// Local parts that name a service account rather than a person (`git@github.com:org/repo.git`).
    static let serviceLocalParts: Set<String> = ["git", "hg", "noreply", "no-reply"]

    static func isLocalPartByte(_ c: UInt8) -> Bool {
        Byte.isAlnum(c) || c == 46 || c == 95 || c == 37 || c == 43 || c == 45
    }

    /// `local@domain.tld`, not inside a URL's user info (the password scanner handles that).
    static func emails(_ b: [UInt8], into out: inout [ScrubSpan]) {
        let n = b.count
        var i = 0
        while i < n {
            guard b[i] == 64 else { i += 1; continue }
            var s = i
            while s > 0, isLocalPartByte(b[s - 1]) { s -= 1 }
            while s < i, b[s] == 46 { s += 1 }   // a local part does not start with a dot
            var e = i + 1
            var lastDot = -1
            while e < n, Byte.isAlnum(b[e]) || b[e] == 45 || (b[e] == 46 && e + 1 < n && Byte.isAlnum(b[e + 1])) {
                if b[e] == 46 { lastDot = e }
                e += 1
            }
            defer { i = max(i + 1, e) }
            guard s < i, lastDot > i + 1 else { continue }
            let tld = String(decoding: b[(lastDot + 1)..<e], as: UTF8.self)
            let tldOK = (tld.utf8.count == 2 && tld.utf8.allSatisfy(Byte.isLower)) || genericTLDs.contains(tld.lowercased())
            guard tldOK else { continue }
            if e < n, b[e] == 40 || b[e] == 91 { continue }          // `x@y.call(` is code
            let local = String(decoding: b[s..<i], as: UTF8.self)
            if serviceLocalParts.contains(local.lowercased()) { continue }
            if isInURLUserInfo(b, s) { continue }
            out.append(ScrubSpan(s, e, .email))
        }
    }

    /// Whether byte `s` lies in `scheme://user:pass@` (a `://` before it with no space or slash between).
    static func isInURLUserInfo(_ b: [UInt8], _ s: Int) -> Bool {
        var k = s - 1
        var sawColon = false
        while k >= 2 {
            let c = b[k]
            if Byte.isSpace(c) || c == 34 || c == 39 { return false }
            if c == 47 { return k >= 2 && b[k - 1] == 47 && b[k - 2] == 58 && sawColon }
            if c == 58 { sawColon = true }
            k -= 1
        }
        return false
    }

    /// Dotted-quad IPv4 addresses, except loopback (127/8), 0.0.0.0, 255.255.255.255, netmasks and
    /// version-like numbers (`v1.2.3.4`, or after the word "version" on the same line).
    static func ipv4(_ b: [UInt8], into out: inout [ScrubSpan]) {
        let n = b.count
        var i = 0
        while i < n {
            guard Byte.isDigit(b[i]), i == 0 || !(Byte.isWord(b[i - 1]) || b[i - 1] == 46) else { i += 1; continue }
            var octets: [Int] = []
            var j = i
            var ok = true
            while octets.count < 4 {
                let start = j
                var v = 0
                while j < n, Byte.isDigit(b[j]), j - start < 4 { v = v * 10 + Int(b[j] - 48); j += 1 }
                let len = j - start
                if len == 0 || len > 3 || v > 255 { ok = false; break }
                octets.append(v)
                if octets.count < 4 {
                    if j < n, b[j] == 46, j + 1 < n, Byte.isDigit(b[j + 1]) { j += 1 } else { ok = false; break }
                }
            }
            defer { i = max(j, i + 1) }
            guard ok, octets.count == 4 else {
                // skip the rest of a number run so `1.2.3.4.5` is not matched from its middle
                while j < n, Byte.isDigit(b[j]) || b[j] == 46 { j += 1 }
                continue
            }
            if j < n, Byte.isWord(b[j]) || (b[j] == 46 && j + 1 < n && Byte.isDigit(b[j + 1])) {
                while j < n, Byte.isDigit(b[j]) || b[j] == 46 { j += 1 }
                continue
            }
            if isReservedIPv4(octets) || isVersionContext(b, i) { continue }
            out.append(ScrubSpan(i, j, .ipAddress))
        }
    }

    /// Loopback, "this network" (0/8), broadcast, netmasks and the documentation ranges of RFC 5737
    /// (192.0.2/24, 198.51.100/24, 203.0.113/24): none of them identifies a machine or a person.
    static func isReservedIPv4(_ o: [Int]) -> Bool {
        if o[0] == 127 || o[0] == 0 { return true }
        if (o[0], o[1], o[2]) == (192, 0, 2) || (o[0], o[1], o[2]) == (198, 51, 100) || (o[0], o[1], o[2]) == (203, 0, 113) { return true }
        if o == [0, 0, 0, 0] || o == [255, 255, 255, 255] { return true }
        let maskOctets: Set<Int> = [0, 128, 192, 224, 240, 248, 252, 254, 255]
        if o[0] == 255, o.allSatisfy(maskOctets.contains), zip(o, o.dropFirst()).allSatisfy({ $0 >= $1 }) { return true }
        return false
    }

    /// `v1.2.3.4`, `ver 1.2.3.4` or "version" earlier on the same line (within 40 bytes).
    static func isVersionContext(_ b: [UInt8], _ i: Int) -> Bool {
        if i > 0, b[i - 1] == 118 || b[i - 1] == 86 { return true }
        // requirement specifiers: ==1.2.3.4, >=, <=, ~=, !=
        if i > 1, b[i - 1] == 61, [61, 60, 62, 126, 33].contains(b[i - 2]) { return true }
        var k = i - 1
        while k >= 0, i - k <= 40, b[k] != 10 {
            if Byte.lower(b[k]) == 118, b.matchesIgnoringCase("version", at: k) { return true }
            if Byte.lower(b[k]) == 115, b.matchesIgnoringCase("section", at: k) { return true }
            if b.matches("\u{A7}", at: k) { return true }
            k -= 1
        }
        return false
    }

    /// IPv6 addresses: a run of hex digits, colons (and a dotted IPv4 tail) that parses as an address with
    /// eight groups, or `::` compression and at least three groups (or two when one has 3–4 hex digits, as in
    /// `fe80::1`). Loopback `::1` and unspecified `::` are kept. Times, slices and MAC addresses do not parse.
    static func ipv6(_ b: [UInt8], into out: inout [ScrubSpan]) {
        let n = b.count
        var i = 0
        while i < n {
            guard b[i] == 58 || Byte.isHex(b[i]) else { i += 1; continue }
            if i > 0, Byte.isWord(b[i - 1]) || b[i - 1] == 58 || b[i - 1] == 46 {
                // inside a word or run already looked at
                var j = i
                while j < n, Byte.isWord(b[j]) { j += 1 }
                i = max(j, i + 1); continue
            }
            var j = i
            var colons = 0
            while j < n, Byte.isHex(b[j]) || b[j] == 58 || b[j] == 46 {
                if b[j] == 58 { colons += 1 }
                j += 1
            }
            // The run may not continue into a word (`2001:db8::1x`).
            while j > i, b[j - 1] == 46 || (b[j - 1] == 58 && !(j - 2 >= i && b[j - 2] == 58)) { j -= 1 }
            defer { i = max(j, i + 1) }
            guard colons >= 2, j - i >= 3 else { continue }
            if j < n, Byte.isWord(b[j]) { continue }
            if let groups = parseIPv6(b, i, j) {
                if groups.isLoopbackOrUnspecified { continue }
                // 2001:db8::/32 is the documentation prefix (RFC 3849)
                let lowerText = String(decoding: b[i..<min(j, i + 9)], as: UTF8.self).lowercased()
                if lowerText.hasPrefix("2001:db8:") || lowerText.hasPrefix("2001:0db8:") { continue }
                out.append(ScrubSpan(i, j, .ipAddress))
            }
        }
    }

    struct IPv6Shape {
        var groups: [Int]        // hex digits per group
        var compressed: Bool
        var isLoopbackOrUnspecified: Bool
    }

    static func parseIPv6(_ b: [UInt8], _ start: Int, _ end: Int) -> IPv6Shape? {
        let text = String(decoding: b[start..<end], as: UTF8.self)
        var parts = text.components(separatedBy: "::")
        if parts.count > 2 { return nil }
        let compressed = parts.count == 2
        var groupLengths: [Int] = []
        var sawIPv4Tail = false
        var values: [String] = []
        for (pi, part) in parts.enumerated() {
            if part.isEmpty { continue }
            let groups = part.split(separator: ":", omittingEmptySubsequences: false)
            for (gi, g) in groups.enumerated() {
                if g.contains(".") {
                    // dotted IPv4 only as the very last group
                    guard pi == parts.count - 1, gi == groups.count - 1 else { return nil }
                    let octets = g.split(separator: ".", omittingEmptySubsequences: false)
                    guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && (Int($0) ?? 256) <= 255 }) else { return nil }
                    sawIPv4Tail = true
                    groupLengths.append(4); groupLengths.append(4)
                    values.append(String(g))
                    continue
                }
                guard !g.isEmpty, g.count <= 4, g.utf8.allSatisfy(Byte.isHex) else { return nil }
                groupLengths.append(g.count)
                values.append(String(g))
            }
        }
        parts = []
        let count = groupLengths.count
        if compressed {
            guard count <= 7 else { return nil }
            if count == 0 { return IPv6Shape(groups: [], compressed: true, isLoopbackOrUnspecified: true) }
            if count == 1, values == ["1"], text == "::1" { return IPv6Shape(groups: [1], compressed: true, isLoopbackOrUnspecified: true) }
            if count < 2 { return nil }
            if count == 2, !groupLengths.contains(where: { $0 >= 3 }) { return nil }
            // Must contain a letter hex digit or several groups: `10::20` is a slice, not an address.
            let hasLetter = values.contains { $0.contains { "abcdefABCDEF".contains($0) } }
            if !hasLetter, count < 3, !sawIPv4Tail { return nil }
        } else {
            guard count == 8 else { return nil }
        }
        return IPv6Shape(groups: groupLengths, compressed: compressed, isLoopbackOrUnspecified: false)
    }

    /// Names that are not a person: kept in `/home/<name>/` and `/Users/<name>/`.
    static let sharedHomeNames: Set<String> = ["shared", "public", "default", "all users", "default user", "guest", "<user>"]

    /// `/home/NAME/`, `/Users/NAME/`, `C:\Users\NAME\` (also `\\` escaped and `C:/Users/NAME/`): the NAME.
    static func homeDirectoryUsers(_ b: [UInt8], into out: inout [ScrubSpan]) {
        let n = b.count
        var i = 0
        while i < n {
            var nameStart = -1
            let c = b[i]
            let atPathStart = i == 0 || !(Byte.isWord(b[i - 1]) || b[i - 1] == 46 || b[i - 1] == 45)
            if c == 47, !atPathStart { i += 1; continue }
            if c == 47, b.matches("/home/", at: i) { nameStart = i + 6 }
            else if c == 47, b.matches("/Users/", at: i) { nameStart = i + 7 }
            else if c == 47, b.matches("/export/home/", at: i) { nameStart = i + 13 }
            else if Byte.lower(c) == 99, i + 3 < n, b[i + 1] == 58, b[i + 2] == 92 || b[i + 2] == 47,
                    i == 0 || !Byte.isWord(b[i - 1]) {
                var k = i + 2
                while k < n, b[k] == 92 || b[k] == 47 { k += 1 }
                if b.matchesIgnoringCase("users", at: k) || b.matchesIgnoringCase("documents and settings", at: k) {
                    k += b.matchesIgnoringCase("users", at: k) ? 5 : 22
                    if k < n, b[k] == 92 || b[k] == 47 {
                        while k < n, b[k] == 92 || b[k] == 47 { k += 1 }
                        nameStart = k
                    }
                }
            }
            guard nameStart >= 0 else { i += 1; continue }
            var j = nameStart
            while j < n, Byte.isWord(b[j]) || b[j] == 46 || b[j] == 45 || b[j] >= 0x80 || (b[j] == 32 && j + 1 < n && Byte.isAlpha(b[j + 1]) && c != 47) { j += 1 }
            let name = String(decoding: b[nameStart..<j], as: UTF8.self)
            let terminated = j == n || b[j] == 47 || b[j] == 92 || b[j] == 34 || b[j] == 39 || Byte.isSpace(b[j]) || b[j] == 58 || b[j] == 41
            if j > nameStart, terminated, !sharedHomeNames.contains(name.lowercased()), !name.hasPrefix("."),
               !(nameStart > 0 && (b[nameStart - 1] == 36 || b[nameStart - 1] == 123)) {
                out.append(ScrubSpan(nameStart, j, .user))
            }
            i = max(j, i + 1)
        }
    }
}
