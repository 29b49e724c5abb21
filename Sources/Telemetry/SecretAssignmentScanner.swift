/// Values assigned to names that say "secret": `password = "…"`, `API_KEY: …`, `"client_secret": "…"`,
/// `token := "…"`. A password-like name takes any literal that is not a template or an identifier; other
/// names (secret, token, api key, access key, private key, credential, auth) take a value only when it
/// looks random: at least 16 bytes from the token alphabet, letters and digits, ≥ 3 bits/byte of entropy.
enum SecretAssignmentScanner {
    enum NameClass { case password, secret }

    static let passwordWords = ["password", "passwd", "passphrase", "pwd"]
    static let secretWords = ["secret", "token", "apikey", "api_key", "api-key", "accesskey", "access_key",
                              "privatekey", "private_key", "credential", "auth", "signing_key", "encryption_key"]
    static let nonValueWords: Set<String> = ["password", "secret", "token", "none", "null", "nil", "true", "false",
                                             "required", "optional", "string", "str", "bearer", "basic", "hidden"]

    /// `classify` on the bytes of a name, without building a string unless a secret word is in it.
    static func classify(_ b: [UInt8], _ s: Int, _ e: Int) -> NameClass? {
        var maybe = false
        var k = s
        while k + 2 < e {
            let c0 = Byte.lower(b[k]), c1 = Byte.lower(b[k + 1]), c2 = Byte.lower(b[k + 2])
            // first three letters of every word in passwordWords and secretWords
            if (c0 == 112 && (c1 == 97 && c2 == 115 || c1 == 119 && c2 == 100 || c1 == 114 && c2 == 105))   // pas pwd pri
                || (c0 == 115 && c1 == 101 && (c2 == 99))                                                      // sec
                || (c0 == 116 && c1 == 111 && c2 == 107)                                                       // tok
                || (c0 == 97 && (c1 == 112 && c2 == 105 || c1 == 99 && c2 == 99 || c1 == 117 && c2 == 116))    // api acc aut
                || (c0 == 99 && c1 == 114 && c2 == 101)                                                        // cre
                || (c0 == 115 && c1 == 105 && c2 == 103) || (c0 == 101 && c1 == 110 && c2 == 99) {             // sig enc
                maybe = true
                break
            }
            k += 1
        }
        return maybe ? classify(String(decoding: b[s..<e], as: UTF8.self)) : nil
    }

    static func classify(_ name: String) -> NameClass? {
        let lower = name.lowercased()
        for w in passwordWords where lower.contains(w) {
            if w == "pwd", lower != "pwd", !lower.hasSuffix("_pwd"), !lower.hasPrefix("pwd_") { continue }
            return .password
        }
        for w in secretWords where lower.contains(w) { return .secret }
        return nil
    }

    static func isValueByte(_ c: UInt8) -> Bool {
        Byte.isToken(c) || c == 43 || c == 47 || c == 61 || c == 46 || c == 126
    }

    static func scan(_ b: [UInt8], into out: inout [ScrubSpan]) {
        let n = b.count
        var i = 0
        while i < n {
            guard Byte.isAlpha(b[i]) || b[i] == 95, i == 0 || !(Byte.isWord(b[i - 1]) || b[i - 1] == 45) else { i += 1; continue }
            var j = i
            while j < n, Byte.isWord(b[j]) || (b[j] == 45 && j + 1 < n && Byte.isAlpha(b[j + 1])) { j += 1 }
            let nameEnd = j
            defer { i = max(nameEnd, i + 1) }
            guard nameEnd - i >= 3, let cls = classify(b, i, nameEnd) else { continue }
            // optional closing quote / bracket of a key: "token": …, ['token'] = …
            var k = nameEnd
            if k < n, b[k] == 34 || b[k] == 39 { k += 1 }
            if k < n, b[k] == 93 { k += 1 }
            let spaceBefore = k < n && (b[k] == 32 || b[k] == 9)
            while k < n, b[k] == 32 || b[k] == 9 { k += 1 }
            guard k < n else { continue }
            // operator: =, :, :=, =>   (not ==, !=, <=, >=)
            var op = 0
            if b[k] == 61 {
                if k + 1 < n, b[k + 1] == 61 { continue }
                op = (k + 1 < n && b[k + 1] == 62) ? 2 : 1
            } else if b[k] == 58 {
                op = (k + 1 < n && b[k + 1] == 61) ? 2 : 1
            } else { continue }
            var isEquals = b[k] == 61
            let isColon = b[k] == 58 && op == 1
            k += op
            var spaceAfter = k < n && (b[k] == 32 || b[k] == 9)
            while k < n, b[k] == 32 || b[k] == 9 { k += 1 }
            guard k < n else { continue }
            // a type annotation `name: Type[...] = value`: skip to the value
            if isColon, Byte.isAlpha(b[k]), let eq = annotationEquals(b, k) {
                k = eq + 1; isEquals = true; spaceAfter = true
                while k < n, b[k] == 32 || b[k] == 9 { k += 1 }
                guard k < n else { continue }
            }
            let yamlStyle = isColon && spaceAfter && isAtLineStart(b, i)
            // string prefixes r"…", b'…', f"…" (f-strings are templates: skip)
            if k + 1 < n, b[k] == 102 || b[k] == 70, b[k + 1] == 34 || b[k + 1] == 39 { continue }
            if k + 1 < n, b[k] == 114 || b[k] == 98 || b[k] == 117, b[k + 1] == 34 || b[k + 1] == 39 { k += 1 }
            let quote = b[k]
            var vs = k, ve = k
            let quoted = quote == 34 || quote == 39 || quote == 96
            if quoted {
                vs = k + 1; ve = vs
                while ve < n, b[ve] != quote, b[ve] != 10 { if b[ve] == 92 { ve += 1 }; ve += 1 }
                guard ve < n, b[ve] == quote else { continue }
            } else {
                while ve < n, isValueByte(b[ve]) { ve += 1 }
                guard ve > vs, ve == n || !(b[ve] == 40 || b[ve] == 91) else { continue }   // call or index: code
            }
            if ve <= vs { continue }
            if SecretScanners.isTemplate(b, vs, ve) { continue }
            let value = String(decoding: b[vs..<ve], as: UTF8.self)
            if nonValueWords.contains(value.lowercased()) { continue }
            switch cls {
            case .password:
                if quoted {
                    if isIdentifierLike(b, vs, ve) || ve - vs < 4 || isProse(b, vs, ve) { continue }
                    out.append(ScrubSpan(vs, ve, .password))
                } else {
                    // unquoted: an env-file line `DB_PASSWORD=hunter22` or a random-looking value
                    let envStyle = isEquals && !spaceBefore && !spaceAfter && isUpperName(b, i, nameEnd)
                    let plainValue = ve - vs >= 4 && !isUpperName(b, vs, ve) && !isIdentifierLike(b, vs, ve) && !isCapWords(b, vs, ve)
                    if ((envStyle || yamlStyle) && plainValue) || looksRandom(b, vs, ve) {
                        out.append(ScrubSpan(vs, ve, .password))
                    }
                }
            case .secret:
                if looksRandom(b, vs, ve) { out.append(ScrubSpan(vs, ve, .secret)) }
            }
        }
    }

    /// `snake_case_name`, `CONSTANT_NAME`, `dotted.module.name`: a name, not a secret.
    static func isIdentifierLike(_ b: [UInt8], _ s: Int, _ e: Int) -> Bool {
        var hasDigit = false, hasSep = false, hasUpper = false, hasLower = false
        for k in s..<e {
            let c = b[k]
            if Byte.isDigit(c) { hasDigit = true } else if c == 95 || c == 46 || c == 45 { hasSep = true }
            else if Byte.isUpper(c) { hasUpper = true } else if Byte.isLower(c) { hasLower = true }
            else { return false }
        }
        return !hasDigit && hasSep && !(hasUpper && hasLower)
    }

    /// UI text such as "Enter your password:": has a space and ends with punctuation.
    static func isProse(_ b: [UInt8], _ s: Int, _ e: Int) -> Bool {
        guard (s..<e).contains(where: { b[$0] == 32 }) else { return false }
        let last = b[e - 1]
        return last == 58 || last == 63 || last == 46 || last == 33
    }

    /// `Type`, `Optional[str]`, `typing.Dict[str, str]` up to a single `=` on the same line: the `=`'s index.
    static func annotationEquals(_ b: [UInt8], _ start: Int) -> Int? {
        var k = start
        while k < b.count, k - start < 80 {
            let c = b[k]
            if c == 61 { return (k + 1 < b.count && b[k + 1] == 61) ? nil : k }
            if !(Byte.isWord(c) || c == 91 || c == 93 || c == 46 || c == 44 || c == 32 || c == 124) { return nil }
            k += 1
        }
        return nil
    }

    /// Only spaces or tabs (or a `- ` list marker) between the start of the line and `i`.
    static func isAtLineStart(_ b: [UInt8], _ i: Int) -> Bool {
        var k = i - 1
        while k >= 0, b[k] != 10 {
            if !(b[k] == 32 || b[k] == 9 || b[k] == 45) { return false }
            k -= 1
        }
        return true
    }

    /// `CapWords`: an uppercase letter then lowercase letters and digits (a class name).
    static func isCapWords(_ b: [UInt8], _ s: Int, _ e: Int) -> Bool {
        guard Byte.isUpper(b[s]) else { return false }
        return (s..<e).allSatisfy { Byte.isAlnum(b[$0]) } && (s..<e).contains { Byte.isLower(b[$0]) } && !(s..<e).contains { Byte.isDigit(b[$0]) }
    }

    static func isUpperName(_ b: [UInt8], _ s: Int, _ e: Int) -> Bool {
        (s..<e).allSatisfy { Byte.isUpper(b[$0]) || Byte.isDigit(b[$0]) || b[$0] == 95 }
    }

    /// ≥ 16 bytes of the token alphabet with letters and digits and ≥ 3 bits/byte of Shannon entropy.
    static func looksRandom(_ b: [UInt8], _ s: Int, _ e: Int) -> Bool {
        guard e - s >= 16 else { return false }
        var digits = 0, letters = 0
        for k in s..<e {
            let c = b[k]
            guard isValueByte(c) else { return false }
            if Byte.isDigit(c) { digits += 1 } else if Byte.isAlpha(c) { letters += 1 }
        }
        guard digits >= 2, letters >= 2 else { return false }
        return shannonEntropy(b, s..<e) >= 3.0
    }
}
