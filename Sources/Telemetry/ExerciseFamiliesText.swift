/// Exercise families over strings and parsing. Each picks its function name, parameter names,
/// constants and docstring wording at random, and computes the expected test values itself.
enum ExerciseFamiliesText {
    typealias L = PythonLiteral

    static func sentence(_ g: inout ExerciseBuilder, words n: ClosedRange<Int>) -> String {
        (0..<g.int(n)).map { _ in g.word() }.joined(separator: " ")
    }

    static func countVowels(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["count_vowels", "vowel_total", "number_of_vowels"]), p = g.pick(["text", "s", "phrase"])
        let doc = g.pick(["Return how many vowels (a, e, i, o, u, in either case) appear in \(p).",
                          "Count the letters of \(p) that are vowels; upper and lower case both count."])
        let inputs = (0..<5).map { i -> String in
            let s = sentence(&g, words: 1...4)
            return i % 2 == 0 ? s.uppercased() : s
        } + ["xyz"]
        let cases = inputs.map { s in ([L.str(s)], String(s.filter { "aeiouAEIOU".contains($0) }.count)) }
        let body = "    vowels = set('aeiouAEIOU')\n    return len([c for c in \(p) if c in vowels])\n"
        return g.make(family: "count_vowels", name: name, params: [(p, "str")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func reverseWords(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["reverse_words", "words_backwards", "flip_word_order"]), p = g.pick(["sentence", "line", "text"])
        let doc = g.pick(["Return \(p) with its space-separated words in reverse order.",
                          "Reverse the order of the words in \(p), keeping each word intact."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let ws = (0..<g.int(1...5)).map { _ in g.word() }
            return ([L.str(ws.joined(separator: " "))], L.str(ws.reversed().joined(separator: " ")))
        }
        let body = "    parts = \(p).split()\n    return ' '.join(parts[::-1])\n"
        return g.make(family: "reverse_words", name: name, params: [(p, "str")], returns: "str", doc: doc, body: body, cases: cases)
    }

    static func isPalindrome(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["reads_same_backwards", "is_mirror_text", "palindromic"]), p = g.pick(["text", "phrase", "s"])
        let doc = g.pick(["Tell whether \(p) reads the same forwards and backwards, looking only at letters and digits and ignoring case.",
                          "True when the letters and digits of \(p), lower-cased, form a palindrome."])
        var cases: [([String], String)] = []
        for i in 0..<6 {
            let w = g.word()
            let s: String
            if i % 2 == 0 { s = (w + String(w.reversed().dropFirst())).capitalized } else { s = w + " " + g.word() }
            let clean = s.lowercased().filter { $0.isLetter || $0.isNumber }
            cases.append(([L.str(s)], L.bool(clean == String(clean.reversed()))))
        }
        let body = "    kept = [ch.lower() for ch in \(p) if ch.isalnum()]\n    return kept == kept[::-1]\n"
        return g.make(family: "is_palindrome", name: name, params: [(p, "str")], returns: "bool", doc: doc, body: body, cases: cases)
    }

    static func runLength(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["run_length_encode", "squeeze_runs", "compress_runs"]), p = g.pick(["text", "letters", "s"])
        let doc = g.pick(["Encode \(p) as each run of equal characters followed by the run's length, e.g. 'aab' becomes 'a2b1'.",
                          "Write every maximal run in \(p) as its character and then how many times it repeats."])
        let cases = (0..<5).map { _ -> ([String], String) in
            var s = "", enc = ""
            var last: Character = " "
            for _ in 0..<g.int(1...4) {
                var ch: Character = g.pick(["a", "b", "c", "x"])
                if ch == last { ch = "z" }
                let n = g.int(1...4)
                s += String(repeating: ch, count: n); enc += "\(ch)\(n)"; last = ch
            }
            return ([L.str(s)], L.str(enc))
        } + [([L.str("")], L.str(""))]
        let body = """
            out = []
            i = 0
            while i < len(\(p)):
                j = i
                while j < len(\(p)) and \(p)[j] == \(p)[i]:
                    j += 1
                out.append(\(p)[i] + str(j - i))
                i = j
            return ''.join(out)

        """
        return g.make(family: "run_length", name: name, params: [(p, "str")], returns: "str", doc: doc, body: body, cases: cases)
    }

    static func longestWord(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["longest_word", "widest_word", "pick_longest"]), p = g.pick(["sentence", "text"])
        let doc = g.pick(["Return the longest space-separated word of \(p); the first one wins a tie.",
                          "Find the word in \(p) with the most characters, preferring the earliest on ties."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let ws = (0..<g.int(1...5)).map { _ in g.word() }
            var best = ws[0]
            for w in ws where w.count > best.count { best = w }
            return ([L.str(ws.joined(separator: " "))], L.str(best))
        }
        let body = "    best = ''\n    for word in \(p).split():\n        if len(word) > len(best):\n            best = word\n    return best\n"
        return g.make(family: "longest_word", name: name, params: [(p, "str")], returns: "str", doc: doc, body: body, cases: cases)
    }

    static func snakeToCamel(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["snake_to_camel", "camelize", "to_camel_case"]), p = g.pick(["name", "identifier"])
        let doc = g.pick(["Turn a snake_case \(p) into camelCase: the first part stays lower case, later parts are capitalized.",
                          "Convert \(p) from words joined by underscores to camelCase."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let ws = (0..<g.int(1...4)).map { _ in g.word() }
            let camel = ws[0] + ws.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            return ([L.str(ws.joined(separator: "_"))], L.str(camel))
        }
        let body = "    head, *rest = \(p).split('_')\n    return head + ''.join(word[:1].upper() + word[1:] for word in rest)\n"
        return g.make(family: "snake_to_camel", name: name, params: [(p, "str")], returns: "str", doc: doc, body: body, cases: cases)
    }

    static func countOccurrences(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["count_pieces", "occurrences_of", "tally_substring"])
        let (p, q) = g.pick([("text", "piece"), ("haystack", "needle"), ("s", "part")])
        let doc = g.pick(["Count the non-overlapping occurrences of \(q) in \(p).",
                          "How many times does \(q) appear in \(p), scanning left to right without overlaps?"])
        let cases = (0..<5).map { _ -> ([String], String) in
            let piece = g.pick(["ab", "aa", "an", "er", "o"])
            var s = ""
            for _ in 0..<g.int(1...5) { s += g.pick([piece, g.word(), "a", "b"]) }
            let n = s.components(separatedBy: piece).count - 1
            return ([L.str(s), L.str(piece)], String(n))
        }
        let body = """
            count = 0
            i = \(p).find(\(q))
            while i != -1:
                count += 1
                i = \(p).find(\(q), i + len(\(q)))
            return count

        """
        return g.make(family: "count_occurrences", name: name, params: [(p, "str"), (q, "str")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func caesar(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["shift_letters", "caesar_encode", "rotate_alphabet"]), p = g.pick(["message", "text"])
        let shift = g.int(1...25)
        let doc = g.pick(["Shift every lower-case letter of \(p) \(shift) places forward in the alphabet, wrapping from z to a; other characters stay.",
                          "Apply a Caesar shift of \(shift) to the lower-case letters in \(p) and leave everything else unchanged."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let s = sentence(&g, words: 1...3) + g.pick(["", "!", " 42"])
            let out = String(s.unicodeScalars.map { u -> Character in
                guard u.value >= 97, u.value <= 122 else { return Character(u) }
                return Character(UnicodeScalar((u.value - 97 + UInt32(shift)) % 26 + 97)!)
            })
            return ([L.str(s)], L.str(out))
        }
        let body = """
            out = []
            for ch in \(p):
                if 'a' <= ch <= 'z':
                    out.append(chr((ord(ch) - ord('a') + \(shift)) % 26 + ord('a')))
                else:
                    out.append(ch)
            return ''.join(out)

        """
        return g.make(family: "caesar", name: name, params: [(p, "str")], returns: "str", doc: doc, body: body, cases: cases)
    }

    static func parsePairs(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["parse_settings", "read_pairs", "split_assignments"]), p = g.pick(["spec", "text", "config"])
        let sep = g.pick([";", ",", "&"]), eq = g.pick(["=", ":"])
        let doc = g.pick(["Parse \(p) made of key\(eq)value items separated by '\(sep)' into a dict of strings; empty items are skipped.",
                          "Split \(p) on '\(sep)', then split each non-empty item at the first '\(eq)' into a key and a value."])
        let cases = (0..<5).map { _ -> ([String], String) in
            var pairs: [(String, String)] = []
            for _ in 0..<g.int(0...4) {
                let k = g.word()
                if pairs.contains(where: { $0.0 == k }) { continue }
                pairs.append((k, String(g.int(0...99))))
            }
            let text = pairs.map { "\($0.0)\(eq)\($0.1)" }.joined(separator: sep)
            return ([L.str(text)], L.dict(pairs.map { (L.str($0.0), L.str($0.1)) }))
        }
        let body = """
            result = {}
            for item in \(p).split('\(sep)'):
                if not item:
                    continue
                key, value = item.split('\(eq)', 1)
                result[key] = value
            return result

        """
        return g.make(family: "parse_pairs", name: name, params: [(p, "str")], returns: "dict", doc: doc, body: body, cases: cases)
    }

    static func sumDelimited(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["sum_fields", "total_of_line", "add_separated"]), p = g.pick(["line", "record"])
        let sep = g.pick([",", ";", "|"])
        let doc = g.pick(["Add up the integers in \(p), which are separated by '\(sep)' and may have spaces around them.",
                          "Return the sum of the '\(sep)'-separated whole numbers in \(p)."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(1...5), -50...50)
            return ([L.str(xs.map { g.pick(["", " "]) + String($0) }.joined(separator: sep))], String(xs.reduce(0, +)))
        }
        let body = "    return sum(int(field.strip()) for field in \(p).split('\(sep)'))\n"
        return g.make(family: "sum_delimited", name: name, params: [(p, "str")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func clockMinutes(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["minutes_since_midnight", "clock_to_minutes", "time_in_minutes"]), p = g.pick(["clock", "hhmm", "stamp"])
        let doc = g.pick(["Convert \(p), a 24-hour time written HH:MM, to minutes after midnight.",
                          "Given \(p) like '07:45', return how many minutes have passed since 00:00."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let h = g.int(0...23), m = g.int(0...59)
            return ([L.str(String(format: "%02d:%02d", h, m))], String(h * 60 + m))
        }
        let body = "    hours, minutes = \(p).split(':')\n    return int(hours) * 60 + int(minutes)\n"
        return g.make(family: "clock_minutes", name: name, params: [(p, "str")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func digitsIn(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["digits_in", "extract_digits", "numeric_chars"]), p = g.pick(["text", "code"])
        let doc = g.pick(["Return the decimal digits that appear in \(p), in order, as a list of ints.",
                          "Collect every digit character of \(p) as an integer, left to right."])
        let cases = (0..<5).map { _ -> ([String], String) in
            var s = ""
            for _ in 0..<g.int(1...4) { s += g.pick([g.word(), String(g.int(0...999)), "-", " "]) }
            return ([L.str(s)], L.ints(s.compactMap { $0.wholeNumberValue }))
        }
        let body = "    return [int(ch) for ch in \(p) if ch.isdigit()]\n"
        return g.make(family: "digits_in", name: name, params: [(p, "str")], returns: "list", doc: doc, body: body, cases: cases)
    }

    static func countPrefixed(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["count_marked_lines", "lines_with_marker", "tally_prefixed"]), p = g.pick(["lines", "rows"])
        let marker = g.pick(["#", "//", ">", "TODO", "--"])
        let doc = g.pick(["Count the strings in \(p) that start with '\(marker)' once leading spaces are removed.",
                          "How many entries of \(p) begin with the marker '\(marker)', ignoring indentation?"])
        let cases = (0..<5).map { _ -> ([String], String) in
            let rows = (0..<g.int(0...5)).map { _ in g.pick(["", "  "]) + g.pick([marker + " " + g.word(), g.word(), "x" + marker]) }
            let n = rows.filter { $0.drop { $0 == " " }.hasPrefix(marker) }.count
            return ([L.strs(rows)], String(n))
        }
        let body = "    return sum(1 for row in \(p) if row.lstrip(' ').startswith('\(marker)'))\n"
        return g.make(family: "count_prefixed", name: name, params: [(p, "list")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func filterLonger(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["long_words", "words_longer_than_limit", "keep_long"]), p = g.pick(["words", "names"])
        let limit = g.int(3...6)
        let doc = g.pick(["Keep the strings of \(p) that have more than \(limit) characters, in their original order.",
                          "Return only those items of \(p) longer than \(limit) characters."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let ws = (0..<g.int(0...5)).map { _ in g.pick([g.word(), "ox", "bee", "cat"]) }
            return ([L.strs(ws)], L.strs(ws.filter { $0.count > limit }))
        }
        let body = "    return [w for w in \(p) if len(w) > \(limit)]\n"
        return g.make(family: "filter_longer", name: name, params: [(p, "list")], returns: "list", doc: doc, body: body, cases: cases)
    }

    static let all: [@Sendable (inout ExerciseBuilder) -> Exercise] = [
        countVowels, reverseWords, isPalindrome, runLength, longestWord, snakeToCamel, countOccurrences, caesar,
        parsePairs, sumDelimited, clockMinutes, digitsIn, countPrefixed, filterLonger,
    ]
}
