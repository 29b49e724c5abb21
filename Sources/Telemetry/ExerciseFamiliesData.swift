/// Exercise families over lists, dicts and integers. Each picks its function name, parameter names,
/// constants and docstring wording at random, and computes the expected test values itself.
enum ExerciseFamiliesData {
    typealias L = PythonLiteral

    static func sumEvens(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["sum_of_evens", "even_total", "add_even_values"]), p = g.pick(["numbers", "values", "xs"])
        let doc = g.pick(["Return the sum of the even integers in \(p) (0 when there are none).",
                          "Add together every element of \(p) that is divisible by two."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(0...6), -20...40)
            return ([L.ints(xs)], String(xs.filter { $0 % 2 == 0 }.reduce(0, +)))
        }
        let body = "    total = 0\n    for x in \(p):\n        if x % 2 == 0:\n            total += x\n    return total\n"
        return g.make(family: "sum_evens", name: name, params: [(p, "list")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func spread(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["value_spread", "range_width", "max_minus_min"]), p = g.pick(["readings", "numbers", "samples"])
        let doc = g.pick(["Return the difference between the largest and the smallest number in the non-empty list \(p).",
                          "How far apart are the extremes of \(p)? \(p) has at least one element."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(1...6), -30...30)
            return ([L.ints(xs)], String(xs.max()! - xs.min()!))
        }
        let body = "    return max(\(p)) - min(\(p))\n"
        return g.make(family: "spread", name: name, params: [(p, "list")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func uniqueInOrder(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["dedupe_keep_order", "first_occurrences", "drop_repeats"]), p = g.pick(["items", "values"])
        let doc = g.pick(["Return the items of \(p) without repeats, keeping the first occurrence of each in order.",
                          "Remove later duplicates from \(p) while preserving the order of first appearance."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(0...8), 0...5)
            var seen = Set<Int>(), out: [Int] = []
            for x in xs where seen.insert(x).inserted { out.append(x) }
            return ([L.ints(xs)], L.ints(out))
        }
        let body = "    seen = set()\n    result = []\n    for item in \(p):\n        if item not in seen:\n            seen.add(item)\n            result.append(item)\n    return result\n"
        return g.make(family: "unique_in_order", name: name, params: [(p, "list")], returns: "list", doc: doc, body: body, cases: cases)
    }

    static func runningTotal(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["running_total", "prefix_sums", "cumulative"]), p = g.pick(["amounts", "numbers"])
        let doc = g.pick(["Return a list whose i-th element is the sum of \(p)[0] through \(p)[i].",
                          "Compute the running sums of \(p), one per position."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(0...6), -10...20)
            var acc = 0
            return ([L.ints(xs)], L.ints(xs.map { acc += $0; return acc }))
        }
        let body = "    result = []\n    acc = 0\n    for x in \(p):\n        acc += x\n        result.append(acc)\n    return result\n"
        return g.make(family: "running_total", name: name, params: [(p, "list")], returns: "list", doc: doc, body: body, cases: cases)
    }

    static func chunks(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["split_into_chunks", "batch_items", "group_in_blocks"])
        let (p, q) = g.pick([("items", "size"), ("values", "width"), ("data", "n")])
        let doc = g.pick(["Cut \(p) into consecutive lists of length \(q); the last one may be shorter. \(q) is positive.",
                          "Return \(p) split into blocks of \(q) elements each, except possibly the final block."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(0...9), 0...9), k = g.int(1...4)
            let blocks = stride(from: 0, to: xs.count, by: k).map { L.ints(Array(xs[$0..<min($0 + k, xs.count)])) }
            return ([L.ints(xs), String(k)], "[" + blocks.joined(separator: ", ") + "]")
        }
        let body = "    return [\(p)[i:i + \(q)] for i in range(0, len(\(p)), \(q))]\n"
        return g.make(family: "chunks", name: name, params: [(p, "list"), (q, "int")], returns: "list", doc: doc, body: body, cases: cases)
    }

    static func rotateLeft(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["rotate_left", "shift_round", "cycle_items"])
        let (p, q) = g.pick([("items", "steps"), ("ring", "k"), ("values", "offset")])
        let doc = g.pick(["Rotate the non-empty list \(p) left by \(q) positions (\(q) may exceed the length).",
                          "Move the first \(q) elements of \(p) to its end, wrapping \(q) around the length of \(p), which is not empty."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(1...7), 0...9), k = g.int(0...10)
            let s = k % xs.count
            return ([L.ints(xs), String(k)], L.ints(Array(xs[s...] + xs[..<s])))
        }
        let body = "    shift = \(q) % len(\(p))\n    return \(p)[shift:] + \(p)[:shift]\n"
        return g.make(family: "rotate_left", name: name, params: [(p, "list"), (q, "int")], returns: "list", doc: doc, body: body, cases: cases)
    }

    static func secondLargest(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["runner_up", "second_highest", "next_to_max"]), p = g.pick(["scores", "numbers"])
        let doc = g.pick(["Return the second largest distinct value in \(p), which holds at least two different numbers.",
                          "Find the biggest number in \(p) that is strictly smaller than its maximum."])
        let cases = (0..<5).map { _ -> ([String], String) in
            var xs = g.ints(g.int(2...7), -9...30)
            if Set(xs).count < 2 { xs.append(xs[0] + 1) }
            let d = Set(xs).sorted()
            return ([L.ints(xs)], String(d[d.count - 2]))
        }
        let body = "    distinct = sorted(set(\(p)))\n    return distinct[-2]\n"
        return g.make(family: "second_largest", name: name, params: [(p, "list")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func flattenOnce(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["flatten_one_level", "concat_lists", "join_sublists"]), p = g.pick(["nested", "groups"])
        let doc = g.pick(["Concatenate the lists inside \(p) into one list, keeping their order.",
                          "Given a list of lists \(p), return all inner elements in a single flat list."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let inner = (0..<g.int(0...4)).map { _ in g.ints(g.int(0...3), 0...9) }
            return (["[" + inner.map(L.ints).joined(separator: ", ") + "]"], L.ints(inner.flatMap { $0 }))
        }
        let body = "    out = []\n    for group in \(p):\n        out.extend(group)\n    return out\n"
        return g.make(family: "flatten_once", name: name, params: [(p, "list")], returns: "list", doc: doc, body: body, cases: cases)
    }

    static func differences(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["step_differences", "deltas", "consecutive_gaps"]), p = g.pick(["series", "values"])
        let doc = g.pick(["Return each element of \(p) minus the one before it; one fewer result than inputs (none for short lists).",
                          "List the differences between neighbouring items of \(p), later minus earlier."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(0...6), -10...30)
            let d = xs.count < 2 ? [] : (1..<xs.count).map { xs[$0] - xs[$0 - 1] }
            return ([L.ints(xs)], L.ints(d))
        }
        let body = "    return [b - a for a, b in zip(\(p), \(p)[1:])]\n"
        return g.make(family: "differences", name: name, params: [(p, "list")], returns: "list", doc: doc, body: body, cases: cases)
    }

    static func clampAll(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["clamp_values", "limit_each", "bound_all"]), p = g.pick(["values", "levels"])
        let lo = g.int(-5...5), hi = lo + g.int(3...20)
        let doc = g.pick(["Return \(p) with every number below \(lo) raised to \(lo) and every number above \(hi) lowered to \(hi).",
                          "Clamp each element of \(p) into the closed range from \(lo) to \(hi)."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(0...6), (lo - 10)...(hi + 10))
            return ([L.ints(xs)], L.ints(xs.map { min(max($0, lo), hi) }))
        }
        let body = "    return [min(max(v, \(lo)), \(hi)) for v in \(p)]\n"
        return g.make(family: "clamp_all", name: name, params: [(p, "list")], returns: "list", doc: doc, body: body, cases: cases)
    }

    static func average(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["mean_of", "arithmetic_mean", "average_value"]), p = g.pick(["numbers", "marks"])
        let doc = g.pick(["Return the arithmetic mean of \(p) as a float, or 0.0 for an empty list.",
                          "Average the numbers in \(p); an empty \(p) averages to 0.0."])
        let cases = (0..<5).map { i -> ([String], String) in
            let xs = i == 4 ? [] : g.ints(g.int(1...6), 0...100)
            let mean = xs.isEmpty ? 0.0 : Double(xs.reduce(0, +)) / Double(xs.count)
            return ([L.ints(xs)], "\(mean)")
        }
        let body = "    if not \(p):\n        return 0.0\n    return sum(\(p)) / len(\(p))\n"
        return g.make(family: "average", name: name, params: [(p, "list")], returns: "float", doc: doc, body: body, cases: cases)
    }

    static func product(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["product_of", "multiply_all", "total_product"]), p = g.pick(["factors", "numbers"])
        let doc = g.pick(["Multiply all integers in \(p) together; the product of an empty list is 1.",
                          "Return the product of the elements of \(p) (1 when \(p) is empty)."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(0...5), -6...9)
            return ([L.ints(xs)], String(xs.reduce(1, *)))
        }
        let body = "    result = 1\n    for x in \(p):\n        result *= x\n    return result\n"
        return g.make(family: "product", name: name, params: [(p, "list")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func wordCounts(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["word_frequencies", "count_each_word", "tally_words"]), p = g.pick(["text", "document"])
        let doc = g.pick(["Map each whitespace-separated word of \(p) to how many times it occurs.",
                          "Return a dict from every word in \(p) to its number of occurrences."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let ws = (0..<g.int(0...7)).map { _ in g.pick(["red", "blue", "green", g.word()]) }
            var order: [String] = [], counts: [String: Int] = [:]
            for w in ws { if counts[w] == nil { order.append(w) }; counts[w, default: 0] += 1 }
            return ([L.str(ws.joined(separator: " "))], L.dict(order.map { (L.str($0), String(counts[$0]!)) }))
        }
        let body = "    counts = {}\n    for word in \(p).split():\n        counts[word] = counts.get(word, 0) + 1\n    return counts\n"
        return g.make(family: "word_counts", name: name, params: [(p, "str")], returns: "dict", doc: doc, body: body, cases: cases)
    }

    static func invertMapping(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["invert_mapping", "swap_keys_values", "reverse_lookup"]), p = g.pick(["mapping", "table"])
        let doc = g.pick(["Return a dict mapping each value of \(p) back to its key; the values of \(p) are all different.",
                          "Swap keys and values of \(p), whose values are unique."])
        let cases = (0..<5).map { _ -> ([String], String) in
            var pairs: [(String, Int)] = []
            for v in 0..<g.int(0...4) { let k = g.word(); if !pairs.contains(where: { $0.0 == k }) { pairs.append((k, v * 3 + g.int(0...2))) } }
            return ([L.dict(pairs.map { (L.str($0.0), String($0.1)) })], L.dict(pairs.map { (String($0.1), L.str($0.0)) }))
        }
        let body = "    return {value: key for key, value in \(p).items()}\n"
        return g.make(family: "invert_mapping", name: name, params: [(p, "dict")], returns: "dict", doc: doc, body: body, cases: cases)
    }

    static func mergeCounts(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["merge_counts", "combine_tallies", "add_inventories"])
        let (p, q) = g.pick([("first", "second"), ("left", "right"), ("a", "b")])
        let doc = g.pick(["Combine the dicts \(p) and \(q) of counts: a key in both gets the sum of its two counts.",
                          "Return a new dict with every key of \(p) or \(q), adding the counts of keys present in both."])
        func counts(_ g: inout ExerciseBuilder) -> [(String, Int)] {
            var pairs: [(String, Int)] = []
            for _ in 0..<g.int(0...3) { let k = g.pick(["pens", "cups", "nails", "bolts", "maps"]); if !pairs.contains(where: { $0.0 == k }) { pairs.append((k, g.int(1...9))) } }
            return pairs
        }
        let cases = (0..<5).map { _ -> ([String], String) in
            let a = counts(&g), b = counts(&g)
            var merged = a
            for (k, v) in b { if let i = merged.firstIndex(where: { $0.0 == k }) { merged[i].1 += v } else { merged.append((k, v)) } }
            let lit = { (x: [(String, Int)]) in L.dict(x.map { (L.str($0.0), String($0.1)) }) }
            return ([lit(a), lit(b)], lit(merged))
        }
        let body = "    result = dict(\(p))\n    for key, count in \(q).items():\n        result[key] = result.get(key, 0) + count\n    return result\n"
        return g.make(family: "merge_counts", name: name, params: [(p, "dict"), (q, "dict")], returns: "dict", doc: doc, body: body, cases: cases)
    }

    static func groupByInitial(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["group_by_initial", "bucket_by_first_letter", "index_words"]), p = g.pick(["words", "names"])
        let doc = g.pick(["Group the non-empty strings of \(p) by their first character, keeping input order inside each group.",
                          "Return a dict from first letter to the list of words in \(p) starting with it, in order."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let ws = (0..<g.int(0...6)).map { _ in g.word() }
            var order: [String] = [], groups: [String: [String]] = [:]
            for w in ws { let k = String(w.prefix(1)); if groups[k] == nil { order.append(k) }; groups[k, default: []].append(w) }
            return ([L.strs(ws)], L.dict(order.map { (L.str($0), L.strs(groups[$0]!)) }))
        }
        let body = "    groups = {}\n    for word in \(p):\n        groups.setdefault(word[0], []).append(word)\n    return groups\n"
        return g.make(family: "group_by_initial", name: name, params: [(p, "list")], returns: "dict", doc: doc, body: body, cases: cases)
    }

    static func keyOfMax(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["best_key", "argmax_key", "top_scorer"]), p = g.pick(["scores", "votes"])
        let doc = g.pick(["Return the key of \(p) with the largest value; \(p) is non-empty and its maximum is unique.",
                          "Which key in the dict \(p) holds the highest number? There is exactly one."])
        let cases = (0..<5).map { _ -> ([String], String) in
            var pairs: [(String, Int)] = []
            for i in 0..<g.int(1...5) { let k = g.word(); if !pairs.contains(where: { $0.0 == k }) { pairs.append((k, i * 10 + g.int(0...9))) } }
            if pairs.count > 1 { pairs.swapAt(0, g.rng.int(0..<pairs.count)) }
            let best = pairs.max { $0.1 < $1.1 }!.0
            return ([L.dict(pairs.map { (L.str($0.0), String($0.1)) })], L.str(best))
        }
        let body = "    return max(\(p), key=\(p).get)\n"
        return g.make(family: "key_of_max", name: name, params: [(p, "dict")], returns: "str", doc: doc, body: body, cases: cases)
    }

    static func gcd(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["largest_common_factor", "euclid", "common_divisor"])
        let (p, q) = g.pick([("a", "b"), ("m", "n"), ("x", "y")])
        let doc = g.pick(["Return the greatest positive integer dividing both \(p) and \(q), two positive integers.",
                          "Compute the highest common factor of the positive integers \(p) and \(q) by Euclid's method."])
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let cases = (0..<5).map { _ -> ([String], String) in
            let f = g.int(1...12), a = f * g.int(1...20), b = f * g.int(1...20)
            return ([String(a), String(b)], String(gcd(a, b)))
        }
        let body = "    while \(q):\n        \(p), \(q) = \(q), \(p) % \(q)\n    return \(p)\n"
        return g.make(family: "gcd", name: name, params: [(p, "int"), (q, "int")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func digitSum(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["digit_sum", "sum_digits", "add_up_digits"]), p = g.pick(["number", "n"])
        let doc = g.pick(["Return the sum of the decimal digits of \(p); the sign of a negative \(p) is ignored.",
                          "Add the digits of the integer \(p) written in base ten (without its sign)."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let n = g.int(-99999...99999)
            return ([String(n)], String(String(abs(n)).compactMap { $0.wholeNumberValue }.reduce(0, +)))
        }
        let body = "    total = 0\n    \(p) = abs(\(p))\n    while \(p) > 0:\n        total += \(p) % 10\n        \(p) //= 10\n    return total\n"
        return g.make(family: "digit_sum", name: name, params: [(p, "int")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func isPrime(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["has_no_divisors", "is_prime_number", "prime_check"]), p = g.pick(["n", "value"])
        let doc = g.pick(["True when \(p) is a prime: an integer above 1 whose only positive divisors are 1 and itself.",
                          "Decide whether the integer \(p) is prime (numbers below 2 are not)."])
        func prime(_ n: Int) -> Bool { n >= 2 && (2..<max(2, n)).allSatisfy { n % $0 != 0 || $0 * $0 > n } }
        let cases = (0..<7).map { i -> ([String], String) in
            let n = i == 0 ? g.pick([2, 3, 5, 7, 11, 13]) : g.int(-3...120)
            return ([String(n)], L.bool(prime(n)))
        }
        let body = "    if \(p) < 2:\n        return False\n    d = 2\n    while d * d <= \(p):\n        if \(p) % d == 0:\n            return False\n        d += 1\n    return True\n"
        return g.make(family: "is_prime", name: name, params: [(p, "int")], returns: "bool", doc: doc, body: body, cases: cases)
    }

    static func fibonacci(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["fib_number", "nth_fibonacci", "fibonacci_at"]), p = g.pick(["n", "index"])
        let (f0, f1) = g.pick([(0, 1), (2, 1), (1, 1)])
        let doc = g.pick(["Return term \(p) of the sequence that starts \(f0), \(f1) and continues by adding the two previous terms (term 0 is \(f0)).",
                          "The sequence begins with \(f0) and \(f1); each later term is the sum of the two before it. Give the term at position \(p), counting from 0."])
        let cases = (0..<5).map { i -> ([String], String) in
            let n = i == 0 ? 0 : g.int(1...30)
            var a = f0, b = f1
            for _ in 0..<n { (a, b) = (b, a + b) }
            return ([String(n)], String(a))
        }
        let body = "    a, b = \(f0), \(f1)\n    for _ in range(\(p)):\n        a, b = b, a + b\n    return a\n"
        return g.make(family: "fibonacci", name: name, params: [(p, "int")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func countMultiples(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["count_multiples", "multiples_below", "how_many_divisible"]), p = g.pick(["limit", "bound"])
        let k = g.int(3...9)
        let doc = g.pick(["Count the integers from 1 up to but not including \(p) that are multiples of \(k).",
                          "How many positive numbers smaller than \(p) divide evenly by \(k)?"])
        let cases = (0..<5).map { _ -> ([String], String) in
            let n = g.int(0...200)
            return ([String(n)], String(n <= 1 ? 0 : (n - 1) / k))
        }
        let body = "    return sum(1 for i in range(1, \(p)) if i % \(k) == 0)\n"
        return g.make(family: "count_multiples", name: name, params: [(p, "int")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static func powerOfTwo(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["is_power_of_two", "single_bit_set", "pow2_check"]), p = g.pick(["n", "size"])
        let doc = g.pick(["True when the integer \(p) equals 2 raised to some non-negative whole power.",
                          "Decide if \(p) is one of 1, 2, 4, 8, … (zero and negatives are not)."])
        let cases = (0..<6).map { i -> ([String], String) in
            let n = i % 2 == 0 ? 1 << g.int(0...20) : g.int(-4...1000)
            return ([String(n)], L.bool(n > 0 && n & (n - 1) == 0))
        }
        let body = "    return \(p) > 0 and \(p) & (\(p) - 1) == 0\n"
        return g.make(family: "power_of_two", name: name, params: [(p, "int")], returns: "bool", doc: doc, body: body, cases: cases)
    }

    static func indexOfFirst(_ g: inout ExerciseBuilder) -> Exercise {
        let name = g.pick(["first_index_above", "locate_first_over", "position_exceeding"])
        let (p, q) = g.pick([("values", "threshold"), ("numbers", "limit")])
        let doc = g.pick(["Return the index of the first element of \(p) greater than \(q), or -1 if there is none.",
                          "Find where \(p) first rises above \(q); answer -1 when it never does."])
        let cases = (0..<5).map { _ -> ([String], String) in
            let xs = g.ints(g.int(0...6), 0...50), t = g.int(0...50)
            return ([L.ints(xs), String(t)], String(xs.firstIndex { $0 > t } ?? -1))
        }
        let body = "    for i, v in enumerate(\(p)):\n        if v > \(q):\n            return i\n    return -1\n"
        return g.make(family: "index_of_first", name: name, params: [(p, "list"), (q, "int")], returns: "int", doc: doc, body: body, cases: cases)
    }

    static let all: [@Sendable (inout ExerciseBuilder) -> Exercise] = [
        sumEvens, spread, uniqueInOrder, runningTotal, chunks, rotateLeft, secondLargest, flattenOnce, differences,
        clampAll, average, product, wordCounts, invertMapping, mergeCounts, groupByInitial, keyOfMax, gcd, digitSum,
        isPrime, fibonacci, countMultiples, powerOfTwo, indexOfFirst,
    ]
}
