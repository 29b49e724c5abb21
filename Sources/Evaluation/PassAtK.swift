/// The unbiased pass@k estimator (Chen et al. 2021): for a problem with `n` samples of which `c`
/// passed, pass@k = 1 − C(n−c, k) / C(n, k), computed in the stable product form
/// 1 − ∏_{i=n−c+1}^{n} (1 − k/i). Returns 0 when c = 0 and 1 when n − c < k.
/// Precondition: 0 ≤ c ≤ n and 1 ≤ k ≤ n.
public func passAtK(n: Int, c: Int, k: Int) -> Double {
    precondition(c >= 0 && c <= n && k >= 1 && k <= n, "passAtK needs 0 ≤ c ≤ n and 1 ≤ k ≤ n")
    if c == 0 { return 0 }
    if n - c < k { return 1 }
    var product = 1.0
    for i in (n - c + 1)...n { product *= 1 - Double(k) / Double(i) }
    return 1 - product
}

/// pass@k per problem and its mean, for the k values every problem supports.
public struct PassAtKTable: Equatable, Sendable {
    /// (task_id, n, c) per problem, in suite order.
    public var problems: [(task_id: String, n: Int, c: Int)]
    /// The k values reported: those with n ≥ k for every problem, ascending.
    public var ks: [Int]
    /// Mean pass@k over problems, keyed by k.
    public var mean: [Int: Double]
    /// Per problem, keyed by k, in the order of `problems`.
    public var perProblem: [[Int: Double]]

    /// Builds the table; a requested k is dropped when any problem has fewer than k samples.
    public init(problems: [(task_id: String, n: Int, c: Int)], requestedK: [Int]) {
        self.problems = problems
        let minN = problems.map(\.n).min() ?? 0
        ks = Array(Set(requestedK.filter { $0 >= 1 && $0 <= minN })).sorted()
        let ks = self.ks
        perProblem = problems.map { p in Dictionary(uniqueKeysWithValues: ks.map { ($0, passAtK(n: p.n, c: p.c, k: $0)) }) }
        var mean: [Int: Double] = [:]
        for k in ks where !problems.isEmpty {
            mean[k] = perProblem.map { $0[k]! }.reduce(0, +) / Double(problems.count)
        }
        self.mean = mean
    }

    public static func == (a: PassAtKTable, b: PassAtKTable) -> Bool {
        a.ks == b.ks && a.mean == b.mean && a.perProblem == b.perProblem
            && a.problems.map { "\($0.task_id)/\($0.n)/\($0.c)" } == b.problems.map { "\($0.task_id)/\($0.n)/\($0.c)" }
    }
}
