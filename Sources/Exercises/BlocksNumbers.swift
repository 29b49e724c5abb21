/// Blocks over integers, booleans and dictionaries.
enum BlocksNumbers {
    static func digits(_ n: Int) -> [Int] { String(abs(n)).compactMap(\.wholeNumberValue) }
    static func isPrime(_ n: Int) -> Bool { n > 1 && (2..<max(2, Int(Double(n).squareRoot()) + 1)).allSatisfy { n % $0 != 0 } }

    static let ints: [Block] = [
        .expr("int.double", .number, .int, .int, ["$x * 2", "$x + $x"], nouns: ["twice $x", "$x doubled"], names: ["double", "twice"]) { v, _ in .int(v.i * 2) },
        .expr("int.triple", .number, .int, .int, ["$x * 3"], nouns: ["three times $x", "$x tripled"], names: ["triple", "thrice"]) { v, _ in .int(v.i * 3) },
        .expr("int.square", .number, .int, .int, ["$x * $x", "$x ** 2"], nouns: ["the square of $x", "$x multiplied by itself"], names: ["square", "squared"]) { v, _ in .int(v.i * v.i) },
        .expr("int.abs", .number, .int, .int, ["abs($x)"], nouns: ["the absolute value of $x", "$x without its sign"], names: ["magnitude", "absolute"],
              statements: [["$r = $x", "if $r < 0:", "    $r = -$r"]]) { v, _ in .int(abs(v.i)) },
        .expr("int.add_k", .number, .int, .int, ["$x + $k"], nouns: ["$x plus $k", "$x increased by $k"], names: ["add", "increment"], constant: .int(1...20)) { v, k in .int(v.i + k.i) },
        .expr("int.sub_k", .number, .int, .int, ["$x - $k"], nouns: ["$x minus $k", "$x decreased by $k"], names: ["subtract", "decrement"], constant: .int(1...20)) { v, k in .int(v.i - k.i) },
        .expr("int.negate", .number, .int, .int, ["-$x"], nouns: ["the negation of $x", "$x with its sign flipped"], names: ["negate", "opposite"]) { v, _ in .int(-v.i) },
        .expr("int.digit_sum", .loop, .int, .int, ["sum(int(d) for d in str(abs($x)))"], nouns: ["the sum of the decimal digits of $x (ignoring its sign)", "the digit sum of $x"], names: ["digit_sum", "sum_digits"],
              statements: [["$r = 0", "rest = abs($x)", "while rest > 0:", "    $r += rest % 10", "    rest //= 10"]]) { v, _ in .int(digits(v.i).reduce(0, +)) },
        .expr("int.digit_count", .number, .int, .int, ["len(str(abs($x)))"], nouns: ["the number of decimal digits in $x (ignoring its sign)", "how many digits $x has"], names: ["digit_count", "num_digits"]) { v, _ in .int(digits(v.i).count) },
        .expr("int.reverse_digits", .number, .int, .int, ["int(str($x)[::-1])"], nouns: ["the number made by reversing the digits of the non-negative integer $x", "$x (not negative) with its digits in reverse order"], names: ["reverse_digits", "mirror_number"]) { v, _ in
            v.i < 0 ? nil : .int(Int(String(String(v.i).reversed()))!) },
        .expr("int.factorial", .loop, .int, .int, [], nouns: ["the factorial of the non-negative integer $x", "$x! (1 when $x is 0)"], names: ["factorial", "fact"],
              statements: [["$r = 1", "for i in range(2, $x + 1):", "    $r *= i"], ["$r = 1", "count = $x", "while count > 1:", "    $r *= count", "    count -= 1"]]) { v, _ in
            v.i < 0 || v.i > 10 ? nil : .int((1...max(1, v.i)).reduce(1, *)) },
        .expr("int.triangular", .accumulation, .int, .int, ["sum(range(1, $x + 1))", "$x * ($x + 1) // 2"], nouns: ["the sum of the integers from 1 to $x, for $x at least 0", "1 + 2 + ... + $x ($x is not negative)"], names: ["triangle", "sum_to"],
              statements: [["$r = 0", "for i in range(1, $x + 1):", "    $r += i"]]) { v, _ in v.i < 0 || v.i > 5000 ? nil : .int(v.i * (v.i + 1) / 2) },
        .expr("int.mod_k", .number, .int, .int, ["$x % $k"], nouns: ["the remainder of $x divided by $k", "$x modulo $k"], names: ["remainder", "mod"], constant: .int(2...9)) { v, k in .int(pyMod(v.i, k.i)) },
        .expr("int.div_k", .number, .int, .int, ["$x // $k"], nouns: ["$x divided by $k, rounded down", "the floor of $x over $k"], names: ["quotient", "divide"], constant: .int(2...9)) { v, k in .int(floorDiv(v.i, k.i)) },
        .expr("int.max_k", .condition, .int, .int, ["max($x, $k)"], nouns: ["the larger of $x and $k", "$x, or $k when $x is smaller"], names: ["at_least", "floor_value"], constant: .int(0...20),
              statements: [["$r = $x", "if $r < $k:", "    $r = $k"]]) { v, k in .int(max(v.i, k.i)) },
        .expr("int.min_k", .condition, .int, .int, ["min($x, $k)"], nouns: ["the smaller of $x and $k", "$x, or $k when $x is larger"], names: ["at_most", "cap"], constant: .int(0...20)) { v, k in .int(min(v.i, k.i)) },
        .expr("int.clamp", .condition, .int, .int, ["min(max($x, 0), $k)", "max(0, min($x, $k))"], nouns: ["$x clamped to the range 0 to $k", "$x limited to lie between 0 and $k"], names: ["clamp", "bounded"], constant: .int(5...30),
              statements: [["$r = $x", "if $r < 0:", "    $r = 0", "elif $r > $k:", "    $r = $k"]]) { v, k in .int(min(max(v.i, 0), k.i)) },
        .expr("int.divisor_count", .loop, .int, .int, ["sum(1 for d in range(1, $x + 1) if $x % d == 0)"], nouns: ["the number of positive divisors of the positive integer $x", "how many numbers from 1 to $x divide $x evenly ($x is positive)"], names: ["divisor_count", "num_divisors"],
              statements: [["$r = 0", "for d in range(1, $x + 1):", "    if $x % d == 0:", "        $r += 1"]]) { v, _ in v.i < 1 || v.i > 5000 ? nil : .int((1...v.i).filter { v.i % $0 == 0 }.count) },
        .expr("int.fibonacci", .loop, .int, .int, [], nouns: ["the $x-th Fibonacci number, counting fib(0) = 0 and fib(1) = 1", "Fibonacci number number $x (0, 1, 1, 2, 3, ...)"], names: ["fib", "fibonacci"],
              statements: [["a, b = 0, 1", "for _ in range($x):", "    a, b = b, a + b", "$r = a"]]) { v, _ in
            guard v.i >= 0 && v.i <= 30 else { return nil }; var a = 0, b = 1; for _ in 0..<v.i { (a, b) = (b, a + b) }; return .int(a) },
        .expr("int.last_digit", .number, .int, .int, ["abs($x) % 10"], nouns: ["the last decimal digit of $x", "the ones digit of $x"], names: ["last_digit", "ones_digit"]) { v, _ in .int(abs(v.i) % 10) },
        .expr("int.round_down_k", .number, .int, .int, ["$x - $x % $k", "$x // $k * $k"], nouns: ["$x rounded down to a multiple of $k", "the largest multiple of $k not above $x"], names: ["round_down", "snap"], constant: .int(2...10)) { v, k in .int(floorDiv(v.i, k.i) * k.i) },
        .expr("int.sign", .condition, .int, .int, ["(1 if $x > 0 else -1 if $x < 0 else 0)"], nouns: ["1 when $x is positive, -1 when it is negative and 0 when it is zero", "the sign of $x as -1, 0 or 1"], names: ["sign", "signum"],
              statements: [["if $x > 0:", "    $r = 1", "elif $x < 0:", "    $r = -1", "else:", "    $r = 0"]]) { v, _ in .int(v.i.signum()) },
        .expr("int.power_of_two", .number, .int, .int, ["2 ** $x"], nouns: ["two to the power $x (for $x from 0 to 20)", "2 raised to $x"], names: ["power_of_two", "pow2"]) { v, _ in v.i < 0 || v.i > 20 ? nil : .int(1 << v.i) },
        .expr("int.bit_count", .number, .int, .int, ["bin($x).count('1')"], nouns: ["the number of 1 bits in the binary form of the non-negative integer $x", "how many ones the binary representation of $x has"], names: ["bit_count", "popcount"]) { v, _ in v.i < 0 ? nil : .int(v.i.nonzeroBitCount) },
        .expr("int.range_list", .list, .int, .ints, ["list(range($x))"], nouns: ["the integers from 0 up to but not including $x", "a list of 0, 1, ..., $x - 1"], names: ["upto", "first_n"]) { v, _ in v.i < 0 || v.i > 12 ? nil : .ints(Array(0..<v.i)) },
        .expr("int.digits", .list, .int, .ints, ["[int(d) for d in str(abs($x))]"], nouns: ["the decimal digits of $x as a list, most significant first", "the list of digits of $x (ignoring its sign)"], names: ["digits", "digit_list"]) { v, _ in .ints(digits(v.i)) },
        .expr("int.multiples_k", .list, .int, .ints, ["[$k * i for i in range(1, $x + 1)]"], nouns: ["the first $x multiples of $k", "$k, 2 * $k, ..., up to $x multiples"], names: ["multiples", "table"], constant: .int(2...9)) { v, k in
            v.i < 0 || v.i > 10 ? nil : .ints(v.i == 0 ? [] : (1...v.i).map { $0 * k.i }) },
    ]

    static let predicates: [Block] = [
        .expr("int.is_even", .condition, .int, .bool, ["$x % 2 == 0"], nouns: ["whether $x is even", "True when $x is divisible by two"], names: ["is_even", "even"]) { v, _ in .bool(v.i % 2 == 0) },
        .expr("int.is_odd", .condition, .int, .bool, ["$x % 2 == 1", "$x % 2 != 0"], nouns: ["whether $x is odd", "True when $x leaves remainder 1 when divided by two"], names: ["is_odd", "odd"]) { v, _ in .bool(pyMod(v.i, 2) == 1) },
        .expr("int.is_positive", .condition, .int, .bool, ["$x > 0"], nouns: ["whether $x is positive", "True when $x is greater than zero"], names: ["is_positive", "positive"]) { v, _ in .bool(v.i > 0) },
        .expr("int.divisible_k", .condition, .int, .bool, ["$x % $k == 0"], nouns: ["whether $x is divisible by $k", "True when $k divides $x evenly"], names: ["divisible", "is_multiple"], constant: .int(2...9)) { v, k in .bool(pyMod(v.i, k.i) == 0) },
        .expr("int.is_prime", .loop, .int, .bool, ["$x > 1 and all($x % d != 0 for d in range(2, int($x ** 0.5) + 1))"], nouns: ["whether $x is a prime number", "True when $x is prime"], names: ["is_prime", "prime"],
              statements: [["$r = $x > 1", "for d in range(2, $x):", "    if $x % d == 0:", "        $r = False", "        break"]]) { v, _ in v.i > 5000 ? nil : .bool(isPrime(v.i)) },
        .expr("int.in_range", .condition, .int, .bool, ["1 <= $x <= $k"], nouns: ["whether $x lies between 1 and $k inclusive", "True when 1 <= $x <= $k"], names: ["in_range", "valid"], constant: .int(5...40)) { v, k in .bool(v.i >= 1 && v.i <= k.i) },
        .expr("int.is_square", .condition, .int, .bool, ["int($x ** 0.5) ** 2 == $x"], nouns: ["whether the non-negative integer $x is a perfect square", "True when $x is the square of an integer"], names: ["is_square", "perfect_square"]) { v, _ in
            v.i < 0 ? nil : .bool(Int(Double(v.i).squareRoot()) * Int(Double(v.i).squareRoot()) == v.i) },
        .expr("int.is_palindrome", .condition, .int, .bool, ["str($x) == str($x)[::-1]"], nouns: ["whether the digits of $x read the same backwards", "True when $x is a palindromic number"], names: ["is_palindrome", "palindromic"]) { v, _ in
            .bool(String(v.i) == String(String(v.i).reversed())) },
    ]

    static let formatting: [Block] = [
        .expr("int.to_str", .formatting, .int, .str, ["str($x)", "f'{$x}'"], nouns: ["$x written as a string", "the decimal text of $x"], names: ["as_text", "to_string"]) { v, _ in .str(String(v.i)) },
        .expr("int.sign_word", .condition, .int, .str, ["'positive' if $x > 0 else 'negative' if $x < 0 else 'zero'"], nouns: ["'positive', 'negative' or 'zero' according to the sign of $x", "the word describing the sign of $x"], names: ["classify", "sign_word"],
              statements: [["if $x > 0:", "    $r = 'positive'", "elif $x < 0:", "    $r = 'negative'", "else:", "    $r = 'zero'"]]) { v, _ in .str(v.i > 0 ? "positive" : v.i < 0 ? "negative" : "zero") },
        .expr("int.parity_word", .condition, .int, .str, ["'even' if $x % 2 == 0 else 'odd'"], nouns: ["'even' or 'odd' depending on $x", "the parity of $x as a word"], names: ["parity", "even_or_odd"]) { v, _ in .str(v.i % 2 == 0 ? "even" : "odd") },
        .expr("int.zfill", .formatting, .int, .str, ["str($x).zfill($k)"], nouns: ["the non-negative integer $x as a string padded with zeros on the left to $k characters", "$x written with leading zeros up to width $k"], names: ["zero_pad", "padded"], constant: .int(3...6)) { v, k in
            guard v.i >= 0 else { return nil }; let s = String(v.i); return .str(String(repeating: "0", count: max(0, k.i - s.count)) + s) },
        .expr("int.binary", .formatting, .int, .str, ["bin($x)[2:]", "format($x, 'b')"], nouns: ["the binary digits of the non-negative integer $x", "$x in base two, without a prefix"], names: ["to_binary", "binary"]) { v, _ in v.i < 0 ? nil : .str(String(v.i, radix: 2)) },
        .expr("int.stars", .formatting, .int, .str, ["'*' * $x"], nouns: ["a string of $x stars", "$x asterisks in a row (empty when $x is not positive)"], names: ["stars", "bar"]) { v, _ in v.i > 40 ? nil : .str(String(repeating: "*", count: max(0, v.i))) },
        .expr("int.label", .formatting, .int, .str, ["'#' + str($x)", "f'#{$x}'"], nouns: ["$x written after a '#' sign", "the label '#' followed by $x"], names: ["label", "tag"]) { v, _ in .str("#" + String(v.i)) },
        .expr("int.money", .formatting, .int, .str, ["f'${$x}.00'", "'$' + str($x) + '.00'"], nouns: ["$x as a dollar amount such as '$5.00'", "the price $x formatted with a dollar sign and two zero cents"], names: ["price_tag", "dollars"]) { v, _ in .str("$" + String(v.i) + ".00") },
    ]

    static let bools: [Block] = [
        .expr("bool.yes_no", .condition, .bool, .str, ["'yes' if $x else 'no'"], nouns: ["'yes' when $x is true and 'no' otherwise", "$x as the word yes or no"], names: ["yes_no", "answer"]) { v, _ in .str(v.b ? "yes" : "no") },
        .expr("bool.to_int", .condition, .bool, .int, ["int($x)", "1 if $x else 0"], nouns: ["1 when $x is true and 0 otherwise", "$x as a number"], names: ["as_int", "flag_value"]) { v, _ in .int(v.b ? 1 : 0) },
        .expr("bool.negate", .condition, .bool, .bool, ["not $x"], nouns: ["the opposite of $x", "True when $x is false"], names: ["negated", "opposite"]) { v, _ in .bool(!v.b) },
    ]

    static let dicts: [Block] = [
        .expr("dict.sum_values", .dict, .dict, .int, ["sum($x.values())"], nouns: ["the sum of the values of $x", "the total of all numbers stored in $x"], names: ["total", "value_sum"],
              statements: [["$r = 0", "for $e in $x:", "    $r += $x[$e]"]], element: .key) { v, _ in .int(v.d.map(\.value).reduce(0, +)) },
        .expr("dict.count_keys", .dict, .dict, .int, ["len($x)"], nouns: ["the number of keys in $x", "how many entries $x has"], names: ["size", "entry_count"]) { v, _ in .int(v.d.count) },
        .expr("dict.max_value", .dict, .dict, .int, ["max($x.values())"], nouns: ["the largest value in $x", "the maximum number stored in $x"], names: ["top_value", "max_value"]) { v, _ in v.d.map(\.value).max().map { .int($0) } },
        .expr("dict.get_k", .dict, .dict, .int, ["$x.get($k, 0)"], nouns: ["the value stored under $k in $x, or 0 when $k is missing", "$x's value for the key $k (0 if absent)"], names: ["lookup", "value_of"], constant: .str(["apple", "cat", "sun", "tree", "river"]),
              statements: [["$r = 0", "if $k in $x:", "    $r = $x[$k]"]]) { v, k in .int(v.d.first { $0.key == k.s }?.value ?? 0) },
        .expr("dict.sorted_keys", .dict, .dict, .strs, ["sorted($x)", "sorted($x.keys())"], nouns: ["the keys of $x in alphabetical order", "the sorted list of the keys of $x"], names: ["keys_sorted", "names"]) { v, _ in
            .strs(v.d.map(\.key).sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }) },
        .expr("dict.keys_above", .dict, .dict, .strs, ["[$e for $e in $x if $x[$e] > $k]"], nouns: ["the keys of $x whose values are greater than $k, in insertion order", "which keys of $x map to a number above $k"], names: ["over_limit", "keys_above"], constant: .int(0...15),
              statements: [["$r = []", "for $e, amount in $x.items():", "    if amount > $k:", "        $r.append($e)"]], element: .key) { v, k in .strs(v.d.filter { $0.value > k.i }.map(\.key)) },
        .expr("dict.argmax", .dict, .dict, .str, ["max($x, key=$x.get)"], nouns: ["the key of $x with the largest value (the first one on ties)", "which key of $x holds the biggest number, earliest on a tie"], names: ["best", "top_key"]) { v, _ in
            guard let m = v.d.map(\.value).max() else { return nil }; return .str(v.d.first { $0.value == m }!.key) },
        .expr("dict.double_values", .dict, .dict, .dict, ["{$e: $x[$e] * 2 for $e in $x}"], nouns: ["$x with every value doubled", "a copy of $x where each value is multiplied by two"], names: ["doubled", "scaled"], element: .key) { v, _ in
            .dict(v.d.map { .init(key: $0.key, value: $0.value * 2) }) },
        .expr("dict.keep_above", .dict, .dict, .dict, ["{$e: $x[$e] for $e in $x if $x[$e] > $k}"], nouns: ["the entries of $x whose value exceeds $k", "$x without the keys whose values are $k or less"], names: ["filtered", "big_entries"], constant: .int(0...15), element: .key) { v, k in
            .dict(v.d.filter { $0.value > k.i }) },
        .expr("dict.sorted_values", .dict, .dict, .ints, ["sorted($x.values())"], nouns: ["the values of $x in increasing order", "the sorted list of the numbers stored in $x"], names: ["values_sorted", "amounts"]) { v, _ in .ints(v.d.map(\.value).sorted()) },
        .expr("dict.has_key", .dict, .dict, .bool, ["$k in $x"], nouns: ["whether $k is a key of $x", "True when $x has an entry for $k"], names: ["has_key", "known"], constant: .str(["apple", "cat", "sun", "tree", "river"])) { v, k in .bool(v.d.contains { $0.key == k.s }) },
    ]

    static let all = ints + predicates + formatting + bools + dicts
}
