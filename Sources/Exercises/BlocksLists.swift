/// Blocks over lists of integers: filters, maps, reorderings, reductions, searches and tests.
enum BlocksLists {
    typealias B = Block
    static let smallK = Block.Constant.int(1...5)
    static let threshold = Block.Constant.int(-3...12)

    static let filters: [Block] = [
        .filter("ints.keep_even", cond: "$e % 2 == 0", nouns: ["the even numbers in $x", "the elements of $x that are even"], names: ["evens", "even_values"]) { v, _ in v.i % 2 == 0 },
        .filter("ints.keep_odd", cond: "$e % 2 != 0", nouns: ["the odd numbers in $x", "the elements of $x that are odd"], names: ["odds", "odd_values"]) { v, _ in v.i % 2 != 0 },
        .filter("ints.keep_positive", cond: "$e > 0", nouns: ["the positive numbers in $x", "the elements of $x greater than zero"], names: ["positives", "positive_values"]) { v, _ in v.i > 0 },
        .filter("ints.keep_negative", cond: "$e < 0", nouns: ["the negative numbers in $x", "the elements of $x below zero"], names: ["negatives", "below_zero"]) { v, _ in v.i < 0 },
        .filter("ints.keep_greater", cond: "$e > $k", nouns: ["the numbers in $x greater than $k", "the elements of $x that exceed $k"], names: ["above", "large_values", "big"], constant: threshold) { v, k in v.i > k.i },
        .filter("ints.keep_less", cond: "$e < $k", nouns: ["the numbers in $x less than $k", "the elements of $x smaller than $k"], names: ["below", "small_values", "small"], constant: threshold) { v, k in v.i < k.i },
        .filter("ints.keep_at_least", cond: "$e >= $k", nouns: ["the numbers in $x that are at least $k", "the elements of $x no smaller than $k"], names: ["at_least", "kept"], constant: threshold) { v, k in v.i >= k.i },
        .filter("ints.keep_multiples", cond: "$e % $k == 0", nouns: ["the numbers in $x divisible by $k", "the multiples of $k in $x"], names: ["multiples", "divisible"], constant: .int(2...5)) { v, k in pyMod(v.i, k.i) == 0 },
        .filter("ints.drop_value", cond: "$e != $k", nouns: ["$x without the elements equal to $k", "the elements of $x other than $k"], names: ["without", "remaining", "others"], constant: .int(0...5)) { v, k in v.i != k.i },
        .filter("ints.keep_in_range", cond: "0 <= $e <= $k", nouns: ["the numbers in $x between 0 and $k inclusive", "the elements of $x in the range 0 to $k"], names: ["in_range", "bounded"], constant: .int(3...15)) { v, k in v.i >= 0 && v.i <= k.i },
        .filter("ints.keep_nonzero", cond: "$e != 0", nouns: ["the nonzero numbers in $x", "$x with the zeros removed"], names: ["nonzero", "no_zeros"]) { v, _ in v.i != 0 },
    ]

    static let maps: [Block] = [
        .map("ints.double", expr: "$e * 2", nouns: ["$x with every number doubled", "each element of $x times two"], names: ["doubled", "twice"]) { v, _ in .int(v.i * 2) },
        .map("ints.square", expr: "$e * $e", nouns: ["the squares of the numbers in $x", "$x with each element squared"], names: ["squares", "squared"]) { v, _ in .int(v.i * v.i) },
        .map("ints.add_k", expr: "$e + $k", nouns: ["$x with $k added to every element", "each number of $x increased by $k"], names: ["shifted", "increased", "plus"], constant: .int(1...9)) { v, k in .int(v.i + k.i) },
        .map("ints.times_k", expr: "$e * $k", nouns: ["$x with every element multiplied by $k", "each number of $x times $k"], names: ["scaled", "multiplied"], constant: .int(2...6)) { v, k in .int(v.i * k.i) },
        .map("ints.negate", expr: "-$e", nouns: ["$x with every sign flipped", "the negation of each number in $x"], names: ["negated", "flipped"]) { v, _ in .int(-v.i) },
        .map("ints.abs", expr: "abs($e)", nouns: ["the absolute values of the numbers in $x", "$x with each element made non-negative by dropping its sign"], names: ["absolute", "magnitudes"]) { v, _ in .int(abs(v.i)) },
        .map("ints.mod_k", expr: "$e % $k", nouns: ["the remainders of the numbers in $x divided by $k", "each element of $x modulo $k"], names: ["remainders", "mods"], constant: .int(2...7)) { v, k in .int(pyMod(v.i, k.i)) },
        .map("ints.halve", expr: "$e // 2", nouns: ["each number of $x divided by two, rounded down", "the halves (floor division) of the numbers in $x"], names: ["halves", "halved"]) { v, _ in .int(floorDiv(v.i, 2)) },
        .map("ints.cap", expr: "min($e, $k)", nouns: ["$x with every element above $k replaced by $k", "each number of $x capped at $k"], names: ["capped", "limited"], constant: .int(3...15)) { v, k in .int(min(v.i, k.i)) },
        .map("ints.floor_zero", expr: "max($e, 0)", nouns: ["$x with negative numbers replaced by zero", "each element of $x, or 0 when it is negative"], names: ["clipped", "non_negative"]) { v, _ in .int(max(v.i, 0)) },
        .map("ints.last_digit", expr: "abs($e) % 10", nouns: ["the last digit of each number in $x", "the ones digits of the numbers in $x"], names: ["last_digits", "ones"]) { v, _ in .int(abs(v.i) % 10) },
        .map("ints.digit_sum_each", expr: "sum(int(d) for d in str(abs($e)))", nouns: ["the digit sum of each number in $x", "for each element of $x, the sum of its decimal digits"], names: ["digit_sums"]) { v, _ in .int(String(abs(v.i)).compactMap(\.wholeNumberValue).reduce(0, +)) },
        .map("ints.parity_flag", .ints, .ints, expr: "$e % 2", nouns: ["1 for each odd number of $x and 0 for each even one", "the parity bits of the numbers in $x"], names: ["parities", "bits"]) { v, _ in .int(pyMod(v.i, 2)) },
        .map("ints.to_strs", .ints, .strs, expr: "str($e)", nouns: ["the numbers of $x written as strings", "$x converted to a list of strings"], names: ["as_text", "strings"]) { v, _ in .str(String(v.i)) },
    ]

    static let reorders: [Block] = [
        .expr("ints.sort", .list, .ints, .ints, ["sorted($x)"], nouns: ["$x sorted in ascending order", "the elements of $x from smallest to largest"], names: ["ordered", "sorted_values"]) { v, _ in .ints(v.l.sorted()) },
        .expr("ints.sort_desc", .list, .ints, .ints, ["sorted($x, reverse=True)"], nouns: ["$x sorted from largest to smallest", "the elements of $x in descending order"], names: ["descending", "largest_first"]) { v, _ in .ints(v.l.sorted(by: >)) },
        .expr("ints.reverse", .list, .ints, .ints, ["$x[::-1]", "list(reversed($x))"], nouns: ["$x in reverse order", "the elements of $x backwards"], names: ["reversed_values", "backwards"],
              statements: [["$r = []", "for $e in $x:", "    $r.insert(0, $e)"]]) { v, _ in .ints(v.l.reversed()) },
        .expr("ints.unique", .list, .ints, .ints, ["list(dict.fromkeys($x))"], nouns: ["$x without repeats, keeping the first occurrence of each value", "the distinct elements of $x in order of first appearance"], names: ["distinct", "unique_values"],
              statements: [["$r = []", "for $e in $x:", "    if $e not in $r:", "        $r.append($e)"]]) { v, _ in
            var seen = Set<Int>(); return .ints(v.l.filter { seen.insert($0).inserted }) },
        .expr("ints.unique_sorted", .list, .ints, .ints, ["sorted(set($x))"], nouns: ["the distinct values of $x in increasing order", "the sorted set of numbers in $x"], names: ["distinct_sorted", "value_set"]) { v, _ in .ints(Array(Set(v.l)).sorted()) },
        .expr("ints.first_k", .list, .ints, .ints, ["$x[:$k]"], nouns: ["the first $k elements of $x", "the leading $k numbers of $x (all of them when there are fewer)"], names: ["head", "first_few"], constant: smallK) { v, k in .ints(Array(v.l.prefix(k.i))) },
        .expr("ints.last_k", .list, .ints, .ints, ["$x[-$k:]"], nouns: ["the last $k elements of $x", "the final $k numbers of $x (all of them when there are fewer)"], names: ["tail", "last_few"], constant: smallK) { v, k in .ints(Array(v.l.suffix(k.i))) },
        .expr("ints.drop_k", .list, .ints, .ints, ["$x[$k:]"], nouns: ["$x without its first $k elements", "everything in $x after the first $k numbers"], names: ["rest", "remainder"], constant: smallK) { v, k in .ints(Array(v.l.dropFirst(k.i))) },
        .expr("ints.every_other", .list, .ints, .ints, ["$x[::2]"], nouns: ["every other element of $x, starting with the first", "the elements of $x at even positions"], names: ["alternate", "even_positions"]) { v, _ in
            .ints(v.l.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)) },
        .expr("ints.rotate_left", .list, .ints, .ints, ["$x[1:] + $x[:1]"], nouns: ["$x rotated left by one position", "$x with its first element moved to the end"], names: ["rotated", "shifted_left"]) { v, _ in
            .ints(Array(v.l.dropFirst()) + Array(v.l.prefix(1))) },
        .expr("ints.append_k", .list, .ints, .ints, ["$x + [$k]"], nouns: ["$x with $k added at the end", "a copy of $x followed by $k"], names: ["extended", "appended"], constant: .int(0...9)) { v, k in .ints(v.l + [k.i]) },
        .expr("ints.prepend_k", .list, .ints, .ints, ["[$k] + $x"], nouns: ["$x with $k put in front", "$k followed by the elements of $x"], names: ["prefixed", "with_head"], constant: .int(0...9)) { v, k in .ints([k.i] + v.l) },
        .expr("ints.running_total", .accumulation, .ints, .ints, [], nouns: ["the running totals of $x", "the prefix sums of $x, one per position"], names: ["running", "prefix_sums", "cumulative"],
              statements: [["$r = []", "total = 0", "for $e in $x:", "    total += $e", "    $r.append(total)"]]) { v, _ in
            var acc = 0; return .ints(v.l.map { acc += $0; return acc }) },
        .expr("ints.differences", .loop, .ints, .ints, ["[$x[i + 1] - $x[i] for i in range(len($x) - 1)]"], nouns: ["the differences between consecutive elements of $x", "each element of $x minus the one before it (from the second on)"], names: ["gaps", "deltas", "steps"],
              statements: [["$r = []", "for i in range(1, len($x)):", "    $r.append($x[i] - $x[i - 1])"]]) { v, _ in
            let xs = v.l; return .ints(xs.count < 2 ? [] : (1..<xs.count).map { xs[$0] - xs[$0 - 1] }) },
        .expr("ints.pair_sums", .loop, .ints, .ints, ["[$x[i] + $x[i + 1] for i in range(len($x) - 1)]"], nouns: ["the sums of neighbouring pairs in $x", "each element of $x plus the next one (up to the last pair)"], names: ["pair_sums", "window_sums"]) { v, _ in
            let xs = v.l; return .ints(xs.count < 2 ? [] : (1..<xs.count).map { xs[$0] + xs[$0 - 1] }) },
        .expr("ints.times_index", .loop, .ints, .ints, ["[i * $e for i, $e in enumerate($x)]"], nouns: ["each element of $x multiplied by its position", "$x with every number times its index"], names: ["weighted", "index_products"]) { v, _ in
            .ints(v.l.enumerated().map { $0.offset * $0.element }) },
        .expr("ints.even_indices", .search, .ints, .ints, ["[i for i, $e in enumerate($x) if $e % 2 == 0]"], nouns: ["the positions of the even numbers in $x", "the indices of $x that hold even values"], names: ["even_positions", "even_indices"],
              statements: [["$r = []", "for i in range(len($x)):", "    if $x[i] % 2 == 0:", "        $r.append(i)"]]) { v, _ in
            .ints(v.l.enumerated().filter { $0.element % 2 == 0 }.map(\.offset)) },
        .expr("ints.indices_above", .search, .ints, .ints, ["[i for i, $e in enumerate($x) if $e > $k]"], nouns: ["the positions in $x of the numbers greater than $k", "the indices of the elements of $x above $k"], names: ["positions", "where_above"], constant: threshold) { v, k in
            .ints(v.l.enumerated().filter { $0.element > k.i }.map(\.offset)) },
    ]

    static let reductions: [Block] = [
        .expr("ints.sum", .accumulation, .ints, .int, ["sum($x)"], nouns: ["the sum of $x", "the total of the numbers in $x"], names: ["total", "sum"],
              statements: [["$r = 0", "for $e in $x:", "    $r += $e"]]) { v, _ in .int(v.l.reduce(0, +)) },
        .expr("ints.product", .accumulation, .ints, .int, [], nouns: ["the product of the numbers in $x (1 for an empty list)", "all elements of $x multiplied together"], names: ["product", "multiplied_total"],
              statements: [["$r = 1", "for $e in $x:", "    $r *= $e"]]) { v, _ in
            v.l.count > 6 || v.l.contains { abs($0) > 30 } ? nil : .int(v.l.reduce(1, *)) },
        .expr("ints.max", .search, .ints, .int, ["max($x)"], nouns: ["the largest number in $x", "the maximum of $x"], names: ["largest", "maximum", "biggest"],
              statements: [["$r = $x[0]", "for $e in $x:", "    if $e > $r:", "        $r = $e"]]) { v, _ in v.l.max().map { .int($0) } },
        .expr("ints.min", .search, .ints, .int, ["min($x)"], nouns: ["the smallest number in $x", "the minimum of $x"], names: ["smallest", "minimum", "lowest"],
              statements: [["$r = $x[0]", "for $e in $x:", "    if $e < $r:", "        $r = $e"]]) { v, _ in v.l.min().map { .int($0) } },
        .expr("ints.len", .list, .ints, .int, ["len($x)"], nouns: ["the number of elements in $x", "how many numbers $x holds"], names: ["count", "size", "length"]) { v, _ in .int(v.l.count) },
        .count("ints.count_even", cond: "$e % 2 == 0", nouns: ["how many even numbers $x contains", "the count of even elements in $x"], names: ["even_count", "num_evens"]) { v, _ in v.i % 2 == 0 },
        .count("ints.count_greater", cond: "$e > $k", nouns: ["how many numbers in $x are greater than $k", "the count of elements of $x above $k"], names: ["count_above", "num_large"], constant: threshold) { v, k in v.i > k.i },
        .count("ints.count_negative", cond: "$e < 0", nouns: ["how many negative numbers $x contains", "the number of elements of $x below zero"], names: ["negative_count", "num_negative"]) { v, _ in v.i < 0 },
        .expr("ints.count_k", .search, .ints, .int, ["$x.count($k)"], nouns: ["how many times $k occurs in $x", "the number of elements of $x equal to $k"], names: ["occurrences", "times_seen"], constant: .int(0...5)) { v, k in .int(v.l.filter { $0 == k.i }.count) },
        .expr("ints.spread", .number, .ints, .int, ["max($x) - min($x)"], nouns: ["the difference between the largest and smallest numbers in $x", "the range (max minus min) of $x"], names: ["spread", "value_range"]) { v, _ in
            v.l.isEmpty ? nil : .int(v.l.max()! - v.l.min()!) },
        .expr("ints.first", .list, .ints, .int, ["$x[0]"], nouns: ["the first element of $x", "the number at the front of $x"], names: ["first", "head_value"]) { v, _ in v.l.first.map { .int($0) } },
        .expr("ints.last", .list, .ints, .int, ["$x[-1]"], nouns: ["the last element of $x", "the number at the end of $x"], names: ["last", "final_value"]) { v, _ in v.l.last.map { .int($0) } },
        .expr("ints.index_of_max", .search, .ints, .int, ["$x.index(max($x))"], nouns: ["the position of the first largest number in $x", "the index of the maximum of $x (the first one on ties)"], names: ["argmax", "max_position"]) { v, _ in
            guard let m = v.l.max() else { return nil }; return .int(v.l.firstIndex(of: m)!) },
        .expr("ints.first_above_index", .search, .ints, .int, ["next((i for i, $e in enumerate($x) if $e > $k), -1)"], nouns: ["the index of the first number in $x greater than $k, or -1 when there is none", "where in $x the first element above $k sits (-1 if nowhere)"], names: ["find_above", "first_index_above"], constant: threshold,
              statements: [["$r = -1", "for i, $e in enumerate($x):", "    if $e > $k:", "        $r = i", "        break"]]) { v, k in
            .int(v.l.firstIndex { $0 > k.i } ?? -1) },
        .expr("ints.sum_squares", .accumulation, .ints, .int, ["sum($e * $e for $e in $x)"], nouns: ["the sum of the squares of $x", "the total of each number in $x squared"], names: ["sum_of_squares", "square_total"],
              statements: [["$r = 0", "for $e in $x:", "    $r += $e * $e"]]) { v, _ in .int(v.l.map { $0 * $0 }.reduce(0, +)) },
        .expr("ints.mean_floor", .number, .ints, .int, ["sum($x) // len($x)"], nouns: ["the average of $x rounded down to an integer", "the floor of the mean of $x"], names: ["average", "mean"]) { v, _ in
            v.l.isEmpty ? nil : .int(floorDiv(v.l.reduce(0, +), v.l.count)) },
        .expr("ints.sum_first_k", .accumulation, .ints, .int, ["sum($x[:$k])"], nouns: ["the sum of the first $k numbers of $x", "the total of the leading $k elements of $x"], names: ["head_total", "first_sum"], constant: smallK) { v, k in .int(v.l.prefix(k.i).reduce(0, +)) },
        .expr("ints.distinct_count", .list, .ints, .int, ["len(set($x))"], nouns: ["the number of distinct values in $x", "how many different numbers $x contains"], names: ["distinct_count", "num_unique"]) { v, _ in .int(Set(v.l).count) },
        .expr("ints.sum_positive", .accumulation, .ints, .int, ["sum($e for $e in $x if $e > 0)"], nouns: ["the sum of the positive numbers in $x", "the total of the elements of $x above zero"], names: ["positive_total", "gains"],
              statements: [["$r = 0", "for $e in $x:", "    if $e > 0:", "        $r += $e"]]) { v, _ in .int(v.l.filter { $0 > 0 }.reduce(0, +)) },
        .expr("ints.max_abs", .search, .ints, .int, ["max(abs($e) for $e in $x)"], nouns: ["the largest absolute value in $x", "the biggest magnitude among the numbers of $x"], names: ["max_magnitude", "peak"]) { v, _ in v.l.map { abs($0) }.max().map { .int($0) } },
        .expr("ints.second_largest", .search, .ints, .int, ["sorted(set($x))[-2]"], nouns: ["the second largest distinct value in $x", "the largest value in $x that is below its maximum"], names: ["second_largest", "runner_up"]) { v, _ in
            let u = Array(Set(v.l)).sorted(); return u.count < 2 ? nil : .int(u[u.count - 2]) },
    ]

    static let tests: [Block] = [
        .expr("ints.all_positive", .condition, .ints, .bool, ["all($e > 0 for $e in $x)"], nouns: ["whether every number in $x is positive", "True when all elements of $x are above zero, else False"], names: ["all_positive", "is_positive"]) { v, _ in .bool(v.l.allSatisfy { $0 > 0 }) },
        .expr("ints.any_even", .condition, .ints, .bool, ["any($e % 2 == 0 for $e in $x)"], nouns: ["whether $x contains an even number", "True when some element of $x is even"], names: ["has_even", "any_even"]) { v, _ in .bool(v.l.contains { $0 % 2 == 0 }) },
        .expr("ints.is_sorted", .condition, .ints, .bool, ["$x == sorted($x)", "all($x[i] <= $x[i + 1] for i in range(len($x) - 1))"], nouns: ["whether $x is in non-decreasing order", "True when $x is already sorted ascending"], names: ["is_sorted", "in_order"]) { v, _ in .bool(v.l == v.l.sorted()) },
        .expr("ints.contains_k", .search, .ints, .bool, ["$k in $x"], nouns: ["whether $k occurs in $x", "True when $x contains $k"], names: ["contains", "has_value"], constant: .int(0...9)) { v, k in .bool(v.l.contains(k.i)) },
        .expr("ints.has_duplicates", .condition, .ints, .bool, ["len(set($x)) != len($x)"], nouns: ["whether some value appears more than once in $x", "True when $x has a repeated element"], names: ["has_duplicates", "has_repeats"]) { v, _ in .bool(Set(v.l).count != v.l.count) },
        .expr("ints.is_palindrome", .condition, .ints, .bool, ["$x == $x[::-1]"], nouns: ["whether $x reads the same forwards and backwards", "True when $x is a palindrome"], names: ["is_palindrome", "symmetric"]) { v, _ in .bool(v.l == Array(v.l.reversed())) },
        .expr("ints.sum_exceeds", .condition, .ints, .bool, ["sum($x) > $k"], nouns: ["whether the sum of $x is greater than $k", "True when $x adds up to more than $k"], names: ["over_budget", "exceeds"], constant: .int(0...40)) { v, k in .bool(v.l.reduce(0, +) > k.i) },
    ]

    static let formatting: [Block] = [
        .expr("ints.join_comma", .formatting, .ints, .str, ["', '.join(str($e) for $e in $x)", "', '.join(map(str, $x))"], nouns: ["the numbers of $x separated by a comma and a space", "$x written as one comma-separated string"], names: ["csv", "joined"]) { v, _ in
            .str(v.l.map(String.init).joined(separator: ", ")) },
        .expr("ints.join_dash", .formatting, .ints, .str, ["'-'.join(str($e) for $e in $x)"], nouns: ["the numbers of $x joined by dashes", "$x as a single string with '-' between the numbers"], names: ["dashed", "hyphenated"]) { v, _ in
            .str(v.l.map(String.init).joined(separator: "-")) },
    ]

    static let all = filters + maps + reorders + reductions + tests + formatting
}
