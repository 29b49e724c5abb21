/// Blocks over strings and lists of strings.
enum BlocksStrings {
    static let letter = Block.Constant.str(["a", "e", "o", "r", "s", "t", "n", "l"])
    static let lengthK = Block.Constant.int(2...5)

    static func isVowel(_ c: Character) -> Bool { "aeiou".contains(c) }
    static func words(_ s: String) -> [String] { s.split(separator: " ").map(String.init) }
    static func capitalize(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst().lowercased() }
    static func title(_ s: String) -> String {
        var out = "", prevLetter = false
        for c in s { out += prevLetter ? c.lowercased() : c.uppercased(); prevLetter = c.isLetter }
        return out
    }

    static let text: [Block] = [
        .expr("str.upper", .string, .str, .str, ["$x.upper()"], nouns: ["$x in upper case", "$x with every letter capitalised"], names: ["shout", "upper"]) { v, _ in .str(v.s.uppercased()) },
        .expr("str.lower", .string, .str, .str, ["$x.lower()"], nouns: ["$x in lower case", "$x with every letter made small"], names: ["lowered", "lower"]) { v, _ in .str(v.s.lowercased()) },
        .expr("str.reverse", .string, .str, .str, ["$x[::-1]", "''.join(reversed($x))"], nouns: ["$x reversed", "the characters of $x in reverse order"], names: ["backwards", "reversed_text", "mirror"],
              statements: [["$r = ''", "for $e in $x:", "    $r = $e + $r"]], element: .char) { v, _ in .str(String(v.s.reversed())) },
        .expr("str.strip", .string, .str, .str, ["$x.strip()"], nouns: ["$x without leading and trailing spaces", "$x trimmed of surrounding whitespace"], names: ["trimmed", "stripped"]) { v, _ in
            .str(String(v.s.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())) },
        .expr("str.title", .formatting, .str, .str, ["$x.title()"], nouns: ["$x with the first letter of every word capitalised", "$x in title case"], names: ["titled", "headline"]) { v, _ in .str(title(v.s)) },
        .expr("str.capitalize", .formatting, .str, .str, ["$x.capitalize()"], nouns: ["$x with its first character upper case and the rest lower case", "$x capitalised like a sentence"], names: ["capitalized", "sentence_case"]) { v, _ in .str(capitalize(v.s)) },
        .expr("str.swapcase", .string, .str, .str, ["$x.swapcase()"], nouns: ["$x with upper and lower case swapped", "$x with the case of every letter inverted"], names: ["swapped", "inverted_case"]) { v, _ in
            .str(String(v.s.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })) },
        .expr("str.remove_vowels", .string, .str, .str, ["''.join($e for $e in $x if $e not in 'aeiou')"], nouns: ["$x without its lower-case vowels", "$x with every a, e, i, o and u removed"], names: ["consonants", "no_vowels"],
              statements: [["$r = ''", "for $e in $x:", "    if $e not in 'aeiou':", "        $r += $e"]], element: .char) { v, _ in .str(String(v.s.filter { !isVowel($0) })) },
        .expr("str.keep_vowels", .string, .str, .str, ["''.join($e for $e in $x if $e in 'aeiou')"], nouns: ["only the lower-case vowels of $x, in order", "the a, e, i, o and u characters of $x"], names: ["vowels", "vowel_string"], element: .char) { v, _ in .str(String(v.s.filter(isVowel))) },
        .expr("str.remove_spaces", .string, .str, .str, ["$x.replace(' ', '')"], nouns: ["$x with all spaces removed", "$x without any space characters"], names: ["squashed", "compact"]) { v, _ in .str(String(v.s.filter { $0 != " " })) },
        .expr("str.replace_letter", .string, .str, .str, ["$x.replace($k, '*')"], nouns: ["$x with every $k replaced by '*'", "$x where each occurrence of $k becomes a star"], names: ["masked", "starred"], constant: letter) { v, k in
            .str(String(v.s.map { String($0) == k.s ? "*" : $0 })) },
        .expr("str.double_chars", .string, .str, .str, ["''.join($e * 2 for $e in $x)"], nouns: ["$x with every character doubled", "each character of $x written twice"], names: ["stutter", "doubled_text"],
              statements: [["$r = ''", "for $e in $x:", "    $r += $e + $e"]], element: .char) { v, _ in .str(v.s.map { "\($0)\($0)" }.joined()) },
        .expr("str.first_k", .string, .str, .str, ["$x[:$k]"], nouns: ["the first $k characters of $x", "$x cut to at most $k characters"], names: ["prefix", "truncated"], constant: .int(1...6)) { v, k in .str(String(v.s.prefix(k.i))) },
        .expr("str.last_k", .string, .str, .str, ["$x[-$k:]"], nouns: ["the last $k characters of $x", "the final $k characters of $x (all of it when shorter)"], names: ["ending", "suffix_part"], constant: .int(1...6)) { v, k in .str(String(v.s.suffix(k.i))) },
        .expr("str.drop_first", .string, .str, .str, ["$x[1:]"], nouns: ["$x without its first character", "everything in $x after the first character"], names: ["rest", "tail_text"]) { v, _ in .str(String(v.s.dropFirst())) },
        .expr("str.letters_only", .string, .str, .str, ["''.join($e for $e in $x if $e.isalpha())"], nouns: ["only the letters of $x", "$x with every non-letter removed"], names: ["letters", "alpha_only"], element: .char) { v, _ in .str(String(v.s.filter(\.isLetter))) },
        .expr("str.reverse_words", .string, .str, .str, ["' '.join($x.split()[::-1])", "' '.join(reversed($x.split()))"], nouns: ["the words of $x in reverse order, separated by single spaces", "$x with its word order reversed"], names: ["flipped_words", "reverse_order"]) { v, _ in
            .str(words(v.s).reversed().joined(separator: " ")) },
        .expr("str.acronym", .string, .str, .str, ["''.join($e[0] for $e in $x.split())"], nouns: ["the first letters of the words of $x joined together", "an abbreviation of $x made of each word's first character"], names: ["initials", "acronym"], element: .word) { v, _ in
            .str(words(v.s).map { String($0.prefix(1)) }.joined()) },
        .expr("str.brackets", .formatting, .str, .str, ["'[' + $x + ']'", "f'[{$x}]'"], nouns: ["$x wrapped in square brackets", "$x between '[' and ']'"], names: ["bracketed", "wrapped"]) { v, _ in .str("[" + v.s + "]") },
        .expr("str.add_suffix", .formatting, .str, .str, ["$x + $k"], nouns: ["$x followed by $k", "$x with $k appended"], names: ["suffixed", "with_ending"], constant: .str(["!", "?", ".txt", "_v2", "ing", "s"])) { v, k in .str(v.s + k.s) },
        .expr("str.add_prefix", .formatting, .str, .str, ["$k + $x"], nouns: ["$x with $k in front", "$k followed by $x"], names: ["prefixed", "labelled"], constant: .str(["> ", "# ", "un", "re", "-", "x"])) { v, k in .str(k.s + v.s) },
        .expr("str.repeat", .string, .str, .str, ["$x * $k"], nouns: ["$x repeated $k times", "$k copies of $x joined together"], names: ["repeated", "echoed"], constant: .int(0...3)) { v, k in .str(String(repeating: v.s, count: k.i)) },
        .expr("str.collapse_spaces", .string, .str, .str, ["' '.join($x.split())"], nouns: ["$x with runs of spaces collapsed to one and no spaces at the ends", "the words of $x separated by single spaces"], names: ["normalized", "tidy"]) { v, _ in .str(words(v.s).joined(separator: " ")) },
        .expr("str.sort_chars", .string, .str, .str, ["''.join(sorted($x))"], nouns: ["the characters of $x in sorted order", "$x with its characters sorted"], names: ["sorted_chars", "ordered_letters"]) { v, _ in
            .str(String(v.s.unicodeScalars.sorted { $0.value < $1.value }.map(Character.init))) },
        .expr("str.unique_chars", .string, .str, .str, ["''.join(dict.fromkeys($x))"], nouns: ["the characters of $x without repeats, in order of first appearance", "$x with later repeated characters removed"], names: ["distinct_chars", "unique_letters"],
              statements: [["$r = ''", "for $e in $x:", "    if $e not in $r:", "        $r += $e"]], element: .char) { v, _ in
            var seen = Set<Character>(); return .str(String(v.s.filter { seen.insert($0).inserted })) },
        .expr("str.every_other", .string, .str, .str, ["$x[::2]"], nouns: ["every other character of $x, starting with the first", "the characters of $x at even positions"], names: ["alternate_chars", "skip_chars"]) { v, _ in
            .str(String(v.s.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))) },
        .expr("str.underscores", .formatting, .str, .str, ["$x.replace(' ', '_')", "'_'.join($x.split(' '))"], nouns: ["$x with every space replaced by an underscore", "$x in which spaces become '_'"], names: ["snake", "underscored"]) { v, _ in
            .str(String(v.s.map { $0 == " " ? "_" : $0 })) },
    ]

    static let measures: [Block] = [
        .expr("str.len", .string, .str, .int, ["len($x)"], nouns: ["the number of characters in $x", "the length of $x"], names: ["length", "char_count"]) { v, _ in .int(v.s.count) },
        .count("str.count_vowels", .str, cond: "$e in 'aeiou'", nouns: ["the number of lower-case vowels in $x", "how many of the characters of $x are a, e, i, o or u"], names: ["vowel_count", "num_vowels"], element: .char) { v, _ in isVowel(Character(v.s)) },
        .count("str.count_upper", .str, cond: "$e.isupper()", nouns: ["the number of upper-case letters in $x", "how many capitals $x contains"], names: ["capitals", "upper_count"], element: .char) { v, _ in Character(v.s).isUppercase },
        .expr("str.count_words", .string, .str, .int, ["len($x.split())"], nouns: ["the number of words in $x", "how many space-separated words $x has"], names: ["word_count", "num_words"]) { v, _ in .int(words(v.s).count) },
        .expr("str.count_letter", .search, .str, .int, ["$x.count($k)"], nouns: ["how many times $k occurs in $x", "the number of occurrences of $k in $x"], names: ["letter_count", "occurrences"], constant: letter,
              statements: [["$r = 0", "for $e in $x:", "    if $e == $k:", "        $r += 1"]], element: .char) { v, k in .int(v.s.filter { String($0) == k.s }.count) },
        .expr("str.find_letter", .search, .str, .int, ["$x.find($k)"], nouns: ["the index of the first $k in $x, or -1 when it does not occur", "where $k first appears in $x (-1 if nowhere)"], names: ["position", "find_char"], constant: letter) { v, k in
            .int(v.s.firstIndex { String($0) == k.s }.map { v.s.distance(from: v.s.startIndex, to: $0) } ?? -1) },
        .expr("str.longest_word_len", .search, .str, .int, ["max((len($e) for $e in $x.split()), default=0)"], nouns: ["the length of the longest word in $x (0 when there are none)", "how long the longest word of $x is"], names: ["longest", "max_word_length"], element: .word) { v, _ in
            .int(words(v.s).map(\.count).max() ?? 0) },
        .count("str.count_spaces", .str, cond: "$e == ' '", nouns: ["the number of spaces in $x", "how many space characters $x contains"], names: ["space_count", "gaps"], element: .char) { v, _ in v.s == " " },
        .expr("str.distinct_chars", .string, .str, .int, ["len(set($x))"], nouns: ["the number of different characters in $x", "how many distinct characters $x uses"], names: ["distinct", "alphabet_size"]) { v, _ in .int(Set(v.s).count) },
    ]

    static let tests: [Block] = [
        .expr("str.is_palindrome", .condition, .str, .bool, ["$x == $x[::-1]"], nouns: ["whether $x reads the same forwards and backwards", "True when $x is a palindrome"], names: ["is_palindrome", "reads_same"]) { v, _ in .bool(v.s == String(v.s.reversed())) },
        .expr("str.starts_with", .condition, .str, .bool, ["$x.startswith($k)", "$x[:1] == $k"], nouns: ["whether $x starts with $k", "True when the first character of $x is $k"], names: ["starts_with", "begins"], constant: letter) { v, k in .bool(v.s.hasPrefix(k.s)) },
        .expr("str.ends_with", .condition, .str, .bool, ["$x.endswith($k)"], nouns: ["whether $x ends with $k", "True when $x finishes with $k"], names: ["ends_with", "finishes"], constant: letter) { v, k in .bool(v.s.hasSuffix(k.s)) },
        .expr("str.contains", .search, .str, .bool, ["$k in $x"], nouns: ["whether $k occurs in $x", "True when $x contains $k"], names: ["contains", "has_letter"], constant: letter) { v, k in .bool(v.s.contains(k.s)) },
        .expr("str.is_blank", .condition, .str, .bool, ["$x.strip() == ''", "not $x.strip()"], nouns: ["whether $x is empty or only spaces", "True when $x holds nothing but whitespace"], names: ["is_blank", "empty"]) { v, _ in .bool(v.s.allSatisfy { $0 == " " }) },
        .expr("str.is_lower", .condition, .str, .bool, ["$x == $x.lower()"], nouns: ["whether $x has no upper-case letters", "True when $x equals its lower-case form"], names: ["is_lower", "all_small"]) { v, _ in .bool(v.s == v.s.lowercased()) },
        .expr("str.longer_than", .condition, .str, .bool, ["len($x) > $k"], nouns: ["whether $x has more than $k characters", "True when $x is longer than $k"], names: ["is_long", "too_long"], constant: .int(3...12)) { v, k in .bool(v.s.count > k.i) },
    ]

    static let splitting: [Block] = [
        .expr("str.split_words", .string, .str, .strs, ["$x.split()"], nouns: ["the words of $x", "the list of space-separated words in $x"], names: ["words", "tokens"]) { v, _ in .strs(words(v.s)) },
        .expr("str.chars", .string, .str, .strs, ["list($x)"], nouns: ["the characters of $x as a list", "a list of the single characters of $x"], names: ["chars", "characters"]) { v, _ in .strs(v.s.map { String($0) }) },
        .expr("str.long_words", .string, .str, .strs, ["[$e for $e in $x.split() if len($e) > $k]"], nouns: ["the words of $x longer than $k characters", "the words in $x with more than $k letters"], names: ["long_words", "big_words"], constant: lengthK, element: .word) { v, k in
            .strs(words(v.s).filter { $0.count > k.i }) },
    ]

    static let lists: [Block] = [
        .map("strs.upper", .strs, expr: "$e.upper()", nouns: ["the strings of $x in upper case", "$x with every string upper-cased"], names: ["shouted", "upper_words"], element: .word) { v, _ in .str(v.s.uppercased()) },
        .map("strs.lower", .strs, expr: "$e.lower()", nouns: ["the strings of $x in lower case", "$x with every string lower-cased"], names: ["lowered", "lower_words"], element: .word) { v, _ in .str(v.s.lowercased()) },
        .map("strs.capitalize", .strs, expr: "$e.capitalize()", nouns: ["$x with each string capitalised", "the strings of $x with their first letter upper case"], names: ["capitalized", "names"], element: .word) { v, _ in .str(capitalize(v.s)) },
        .map("strs.reverse_each", .strs, expr: "$e[::-1]", nouns: ["each string of $x reversed", "the strings of $x spelled backwards"], names: ["mirrored", "reversed_words"], element: .word) { v, _ in .str(String(v.s.reversed())) },
        .map("strs.add_suffix", .strs, expr: "$e + $k", nouns: ["each string of $x followed by $k", "$x with $k appended to every string"], names: ["suffixed", "tagged"], constant: .str(["!", "s", "_1", ".py", "ed"]), element: .word) { v, k in .str(v.s + k.s) },
        .map("strs.first_chars", .strs, expr: "$e[0]", nouns: ["the first character of each string in $x", "the initial letters of the strings of $x"], names: ["initials", "first_letters"], element: .word) { v, _ in v.s.isEmpty ? nil : .str(String(v.s.prefix(1))) },
        .map("strs.lengths", .strs, .ints, expr: "len($e)", nouns: ["the length of each string in $x", "how many characters each string of $x has"], names: ["lengths", "sizes"], element: .word) { v, _ in .int(v.s.count) },
        .filter("strs.keep_long", .strs, cond: "len($e) > $k", nouns: ["the strings of $x longer than $k characters", "the words in $x with more than $k letters"], names: ["long_words", "longer"], constant: lengthK, element: .word) { v, k in v.s.count > k.i },
        .filter("strs.keep_short", .strs, cond: "len($e) <= $k", nouns: ["the strings of $x with at most $k characters", "the short words of $x (length $k or less)"], names: ["short_words", "shorter"], constant: lengthK, element: .word) { v, k in v.s.count <= k.i },
        .filter("strs.keep_starting", .strs, cond: "$e.startswith($k)", nouns: ["the strings of $x that start with $k", "the words in $x beginning with $k"], names: ["matches", "starting"], constant: letter, element: .word) { v, k in v.s.hasPrefix(k.s) },
        .filter("strs.keep_containing", .strs, cond: "$k in $e", nouns: ["the strings of $x that contain $k", "the words of $x in which $k appears"], names: ["hits", "containing"], constant: letter, element: .word) { v, k in v.s.contains(k.s) },
        .expr("strs.sort", .list, .strs, .strs, ["sorted($x)"], nouns: ["$x in alphabetical order", "the strings of $x sorted"], names: ["alphabetical", "sorted_words"]) { v, _ in .strs(v.ls.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }) },
        .expr("strs.sort_by_length", .list, .strs, .strs, ["sorted($x, key=len)"], nouns: ["$x sorted by length, shortest first (ties keep their order)", "the strings of $x ordered by how long they are"], names: ["by_length", "shortest_first"]) { v, _ in
            .strs(v.ls.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }.map(\.element)) },
        .expr("strs.reverse", .list, .strs, .strs, ["$x[::-1]"], nouns: ["$x in reverse order", "the strings of $x from last to first"], names: ["reversed_list", "backwards"]) { v, _ in .strs(v.ls.reversed()) },
        .expr("strs.unique", .list, .strs, .strs, ["list(dict.fromkeys($x))"], nouns: ["$x without repeated strings, keeping first occurrences in order", "the distinct strings of $x in order of first appearance"], names: ["distinct_words", "unique_words"],
              statements: [["$r = []", "for $e in $x:", "    if $e not in $r:", "        $r.append($e)"]], element: .word) { v, _ in
            var seen = Set<String>(); return .strs(v.ls.filter { seen.insert($0).inserted }) },
        .expr("strs.count", .list, .strs, .int, ["len($x)"], nouns: ["the number of strings in $x", "how many strings $x holds"], names: ["count", "num_words"]) { v, _ in .int(v.ls.count) },
        .expr("strs.total_length", .accumulation, .strs, .int, ["sum(len($e) for $e in $x)"], nouns: ["the total number of characters in the strings of $x", "the sum of the lengths of the strings in $x"], names: ["total_length", "char_total"],
              statements: [["$r = 0", "for $e in $x:", "    $r += len($e)"]], element: .word) { v, _ in .int(v.ls.map(\.count).reduce(0, +)) },
        .count("strs.count_starting", .strs, cond: "$e.startswith($k)", nouns: ["how many strings in $x start with $k", "the number of words of $x beginning with $k"], names: ["count_starting", "initial_count"], constant: letter, element: .word) { v, k in v.s.hasPrefix(k.s) },
        .count("strs.count_long", .strs, cond: "len($e) > $k", nouns: ["how many strings in $x are longer than $k characters", "the number of words of $x with more than $k letters"], names: ["count_long", "num_long"], constant: lengthK, element: .word) { v, k in v.s.count > k.i },
        .expr("strs.join_space", .formatting, .strs, .str, ["' '.join($x)"], nouns: ["the strings of $x joined with single spaces", "$x as one sentence with a space between words"], names: ["sentence", "joined"]) { v, _ in .str(v.ls.joined(separator: " ")) },
        .expr("strs.join_comma", .formatting, .strs, .str, ["', '.join($x)"], nouns: ["the strings of $x separated by a comma and a space", "$x as one comma-separated string"], names: ["listing", "csv_line"]) { v, _ in .str(v.ls.joined(separator: ", ")) },
        .expr("strs.join_k", .formatting, .strs, .str, ["$k.join($x)"], nouns: ["the strings of $x joined with $k between them", "$x concatenated with the separator $k"], names: ["joined", "glued"], constant: .str(["-", "/", "+", " | ", ":"])) { v, k in .str(v.ls.joined(separator: k.s)) },
        .expr("strs.concat", .formatting, .strs, .str, ["''.join($x)"], nouns: ["the strings of $x concatenated", "all strings of $x glued together with nothing between"], names: ["combined", "concatenated"],
              statements: [["$r = ''", "for $e in $x:", "    $r += $e"]], element: .word) { v, _ in .str(v.ls.joined()) },
        .expr("strs.longest", .search, .strs, .str, ["max($x, key=len)"], nouns: ["the longest string in $x (the first one on ties)", "the string of $x with the most characters, earliest on a tie"], names: ["longest", "longest_word"],
              statements: [["$r = $x[0]", "for $e in $x:", "    if len($e) > len($r):", "        $r = $e"]], element: .word) { v, _ in
            guard let m = v.ls.map(\.count).max() else { return nil }; return .str(v.ls.first { $0.count == m }!) },
        .expr("strs.shortest", .search, .strs, .str, ["min($x, key=len)"], nouns: ["the shortest string in $x (the first one on ties)", "the string of $x with the fewest characters, earliest on a tie"], names: ["shortest", "shortest_word"]) { v, _ in
            guard let m = v.ls.map(\.count).min() else { return nil }; return .str(v.ls.first { $0.count == m }!) },
        .expr("strs.first_alpha", .search, .strs, .str, ["min($x)"], nouns: ["the alphabetically first string of $x", "the string of $x that sorts first"], names: ["first_alphabetical", "earliest"]) { v, _ in
            v.ls.isEmpty ? nil : .str(v.ls.min { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }!) },
        .expr("strs.contains_k", .search, .strs, .bool, ["$k in $x"], nouns: ["whether $k is one of the strings of $x", "True when $x contains the string $k"], names: ["includes", "has_word"], constant: .str(["apple", "cat", "sun", "tree", "echo"])) { v, k in .bool(v.ls.contains(k.s)) },
        .expr("strs.all_short", .condition, .strs, .bool, ["all(len($e) <= $k for $e in $x)"], nouns: ["whether every string of $x has at most $k characters", "True when no string in $x is longer than $k"], names: ["all_short", "fits"], constant: lengthK, element: .word) { v, k in .bool(v.ls.allSatisfy { $0.count <= k.i }) },
        .expr("strs.word_lengths", .dict, .strs, .dict, ["{$e: len($e) for $e in $x}"], nouns: ["a dictionary mapping each string of $x to its length", "the length of every word in $x, keyed by the word"], names: ["length_map", "sizes"], element: .word) { v, _ in
            Value.dict(pairs: v.ls.map { ($0, $0.count) }) },
        .expr("strs.word_counts", .dict, .strs, .dict, [], nouns: ["a dictionary counting how often each string occurs in $x", "the number of occurrences of each word of $x, keyed by word in order of first appearance"], names: ["counts", "frequencies", "tally"],
              statements: [["$r = {}", "for $e in $x:", "    $r[$e] = $r.get($e, 0) + 1"], ["$r = {}", "for $e in $x:", "    if $e in $r:", "        $r[$e] += 1", "    else:", "        $r[$e] = 1"]], element: .word) { v, _ in
            var out: [Value.DictEntry] = []
            for w in v.ls { if let j = out.firstIndex(where: { $0.key == w }) { out[j].value += 1 } else { out.append(.init(key: w, value: 1)) } }
            return .dict(out) },
    ]

    static let all = text + measures + tests + splitting + lists
}
