import FileFormats
import Foundation

/// `runs plot`: a hand-written SVG of a metric against tokens seen, one colour per run.
///
/// For `loss`: training loss as a solid line, validation loss dashed with dots, stage boundaries
/// as dotted verticals labelled with the stage that begins there; axes with round ticks and
/// labels; a legend naming each run and the line styles.
public struct LossPlot {
    /// Metrics that can be plotted, with their axis label.
    public static let metrics: [String: String] = [
        "loss": "loss (nats / token)",
        "lr": "learning rate",
        "grad_norm": "gradient norm (before clipping)",
        "tokens_per_s": "tokens / s",
        "mfu": "MFU",
    ]

    /// Tableau 10: distinct, and readable for the common colour blindnesses.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    public var runs: [RunSummary]
    public var metric: String

    /// `pass@K`: a periodic eval's score (`metrics.jsonl` records with `split: eval`), one line per run,
    /// stage and suite.
    static func isPassAtK(_ metric: String) -> Bool { metric.hasPrefix("pass@") && Int(metric.dropFirst(5)).map { $0 >= 1 } == true }

    public init(runs: [RunSummary], metric: String = "loss") throws {
        guard Self.metrics[metric] != nil || Self.isPassAtK(metric) else {
            let hint = closestMatch(to: metric, in: Self.metrics.keys).map { "did you mean '\($0)'? " } ?? ""
            throw InputError(key: "--metric", "unknown metric '\(metric)'; \(hint)known: \(Self.metrics.keys.sorted().joined(separator: ", "))")
        }
        guard runs.contains(where: { !$0.metrics.isEmpty }) else {
            throw InputError(key: runs.map(\.record.id).joined(separator: ", "), "no metrics recorded yet: nothing to plot")
        }
        self.runs = runs
        self.metric = metric
    }

    /// One run's values of one split within one stage (lines do not join across stages:
    /// each stage measures validation on its own data).
    struct Series {
        var run: Int
        var stage: String
        var split: MetricRecord.Split
        var points: [(x: Double, y: Double)]
    }

    func series() -> [Series] {
        var out: [Series] = []
        for (i, run) in runs.enumerated() {
            let splits: [MetricRecord.Split] = metric == "loss" ? [.train, .val] : [.train]
            let stages = run.stages.map(\.name)
            if Self.isPassAtK(metric) {
                for stage in stages {
                    let evals = run.metrics.filter { $0.split == .eval && $0.stage == stage }
                    for suite in Set(evals.compactMap(\.suite)).sorted() {
                        let pts = evals.filter { $0.suite == suite }.compactMap { m in m.passAtK?[metric].map { (x: Double(m.tokens), y: $0) } }
                        if !pts.isEmpty { out.append(Series(run: i, stage: stage, split: .eval, points: pts)) }
                    }
                }
                continue
            }
            for stage in stages {
                for split in splits {
                    let pts = run.metrics.filter { $0.split == split && $0.stage == stage }.compactMap { m -> (x: Double, y: Double)? in
                        guard let y = value(m), y.isFinite else { return nil }
                        return (Double(m.tokens), y)
                    }
                    if !pts.isEmpty { out.append(Series(run: i, stage: stage, split: split, points: pts)) }
                }
            }
        }
        return out
    }

    func value(_ m: MetricRecord) -> Double? {
        switch metric {
        case "loss": return m.loss
        case "lr": return m.lr
        case "grad_norm": return m.gradNorm
        case "tokens_per_s": return m.tokensPerSecond
        case "mfu": return m.mfu
        default: return nil
        }
    }

    /// Stage starts after the first, per run: (tokens, stage name, run index).
    func boundaries() -> [(x: Double, name: String, run: Int)] {
        var out: [(Double, String, Int)] = []
        for (i, run) in runs.enumerated() {
            for (prev, next) in zip(run.stages, run.stages.dropFirst()) {
                out.append((Double(prev.lastTokens), next.name, i))
            }
        }
        return out
    }

    /// The y range shown. For loss, the first tenth of the tokens (the initial plunge from
    /// ln(vocab)) is left above the top unless validation reached there, so the part where runs
    /// differ fills the plot; the clipped lines run off the top edge.
    func yRange(_ all: [Series], maxX: Double) -> ClosedRange<Double> {
        let ys = all.flatMap { $0.points.map(\.y) }
        let lo = ys.min() ?? 0, hi = ys.max() ?? 1
        guard metric == "loss" else { return lo...hi }
        let late = all.flatMap { s in s.points.filter { s.split == .val || $0.x >= maxX * 0.1 }.map(\.y) }
        return lo...max(lo, late.max() ?? hi)
    }

    public func svg() -> String {
        let width = 960.0, height = 540.0
        let left = 78.0, right = 700.0, top = 76.0, bottom = 470.0
        let all = series()
        let xs = all.flatMap { $0.points.map(\.x) } + boundaries().map(\.x)
        let xAxis = PlotAxis(min: 0, max: xs.max() ?? 1, count: 7)
        let yAxis = PlotAxis(min: yRange(all, maxX: xs.max() ?? 1).lowerBound, max: yRange(all, maxX: xs.max() ?? 1).upperBound,
                             count: 7, includeZero: metric != "loss")
        func px(_ x: Double) -> Double { xAxis.scale(x, left, right) }
        func py(_ y: Double) -> Double { yAxis.scale(y, bottom, top) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="13">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(left))" y="26" font-size="17" font-weight="bold">\(xml(Self.metrics[metric] ?? metric)) against tokens seen</text>
        <text x="\(f(left))" y="44" font-size="12" fill="#555">\(xml(runs.map { "\($0.record.name)/\($0.record.id)" }.joined(separator: "  vs  ")))</text>

        """
        // Grid and ticks.
        s += "<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n"
        for t in yAxis.ticks { s += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(right))\" y2=\"\(f(py(t)))\"/>\n" }
        for t in xAxis.ticks { s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(bottom))\"/>\n" }
        s += "</g>\n<g class=\"axes\" stroke=\"#333\" stroke-width=\"1.2\" fill=\"none\">\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(bottom))\" x2=\"\(f(right))\" y2=\"\(f(bottom))\"/>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(bottom))\"/>\n</g>\n"
        s += "<g class=\"ticks\" fill=\"#333\" font-size=\"12\">\n"
        for t in yAxis.ticks {
            s += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(left))\" y2=\"\(f(py(t)))\" stroke=\"#333\"/>"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(xml(tickLabel(t, step: yAxis.ticks.count > 1 ? yAxis.ticks[1] - yAxis.ticks[0] : 1)))</text>\n"
        }
        for t in xAxis.ticks {
            s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(bottom))\" x2=\"\(f(px(t)))\" y2=\"\(f(bottom + 5))\" stroke=\"#333\"/>"
            s += "<text x=\"\(f(px(t)))\" y=\"\(f(bottom + 20))\" text-anchor=\"middle\">\(xml(MetricFormatting.shortCount(t)))</text>\n"
        }
        s += "</g>\n"
        s += "<text x=\"\(f((left + right) / 2))\" y=\"\(f(bottom + 44))\" text-anchor=\"middle\" font-size=\"14\">tokens seen</text>\n"
        s += "<text transform=\"translate(20 \(f((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"14\">\(xml(Self.metrics[metric] ?? metric))</text>\n"

        // Stage boundaries, labelled once per (place, name). Labels that would overlap (several runs with
        // boundaries close together) go to further rows, the first above the plot and the rest inside its top;
        // a boundary of one run only is labelled in that run's colour.
        s += "<g class=\"stages\">\n"
        var labelled: [(Double, String)] = []
        var rows = LabelRows()
        if let first = runs.first?.stages.first {
            let y = rows.place(left + 4, text: first.name, firstRowY: top - 6, rowHeight: 14, belowY: top + 14)
            s += "<text x=\"\(f(left + 4))\" y=\"\(f(y))\" fill=\"#555\" font-size=\"12\">\(xml(first.name))</text>\n"
        }
        let boundaryList = boundaries()
        for b in boundaryList {
            let x = px(b.x)
            let shared = boundaryList.filter { abs(px($0.x) - x) < 1 && $0.name == b.name }
            if shared.count > 1 && shared[0].run != b.run { continue }
            let color = shared.count > 1 ? "#666" : Self.palette[b.run % Self.palette.count]
            s += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(bottom))\" stroke=\"\(color)\" stroke-width=\"1.2\" stroke-dasharray=\"2 4\"/>\n"
            if !labelled.contains(where: { abs($0.0 - x) < 1 && $0.1 == b.name }) {
                labelled.append((x, b.name))
                let text = "▸ " + b.name
                let y = rows.place(x + 4, text: text, firstRowY: top - 6, rowHeight: 14, belowY: top + 14)
                let fill = runs.count > 1 && shared.count == 1 ? color : "#555"
                s += "<text x=\"\(f(x + 4))\" y=\"\(f(y))\" fill=\"\(fill)\" font-size=\"12\">\(xml(text))</text>\n"
            }
        }
        s += "</g>\n"

        // A loss axis cut below the early plunge says so at its top, with the highest value left out.
        let allY = all.flatMap { $0.points.map(\.y) }
        if let highest = allY.max(), highest > yAxis.upper + 1e-12 {
            s += "<g class=\"clipped\" fill=\"#555\" font-size=\"11\">\n"
            s += "<path d=\"M\(f(left - 6)),\(f(top + 4)) l6,-4 l6,4 M\(f(left - 6)),\(f(top + 9)) l6,-4 l6,4\" stroke=\"#333\" fill=\"none\"/>\n"
            s += "<text x=\"\(f(right - 4))\" y=\"\(f(bottom - 8))\" text-anchor=\"end\">axis clipped at \(xml(tickLabel(yAxis.upper, step: yAxis.ticks.count > 1 ? yAxis.ticks[1] - yAxis.ticks[0] : 1))): "
                + "values up to \(xml(String(format: "%.3g", highest))) run off the top</text>\n</g>\n"
        }

        // Data, clipped to the plot area.
        s += "<clipPath id=\"plot\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\"/></clipPath>\n"
        s += "<g class=\"series\" clip-path=\"url(#plot)\" fill=\"none\" stroke-linejoin=\"round\">\n"
        for series in all {
            let color = Self.palette[series.run % Self.palette.count]
            let pts = series.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            let id = xml(runs[series.run].record.id) + "\" data-stage=\"" + xml(series.stage)
            if series.split == .train {
                s += "<polyline data-run=\"\(id)\" data-split=\"train\" points=\"\(pts)\" stroke=\"\(color)\" stroke-width=\"1.8\"/>\n"
            } else {
                s += "<polyline data-run=\"\(id)\" data-split=\"\(series.split.rawValue)\" points=\"\(pts)\" stroke=\"\(color)\" stroke-width=\"2\" stroke-dasharray=\"7 4\"/>\n"
                for p in series.points {
                    s += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3.2\" fill=\"white\" stroke=\"\(color)\" stroke-width=\"1.8\"/>\n"
                }
            }
        }
        s += "</g>\n"

        // Legend: one row per run, then the line styles.
        let lx = right + 24
        var ly = top + 8
        s += "<g class=\"legend\" font-size=\"12\">\n"
        for (i, run) in runs.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            s += "<rect x=\"\(f(lx))\" y=\"\(f(ly - 9))\" width=\"18\" height=\"10\" fill=\"\(color)\"/>"
            s += "<text x=\"\(f(lx + 26))\" y=\"\(f(ly))\">\(xml(run.record.name))</text>\n"
            s += "<text x=\"\(f(lx + 26))\" y=\"\(f(ly + 15))\" fill=\"#666\" font-size=\"11\">\(xml(run.record.id))</text>\n"
            ly += 38
        }
        if metric == "loss" {
            ly += 6
            s += "<line x1=\"\(f(lx))\" y1=\"\(f(ly - 4))\" x2=\"\(f(lx + 18))\" y2=\"\(f(ly - 4))\" stroke=\"#333\" stroke-width=\"1.8\"/>"
            s += "<text x=\"\(f(lx + 26))\" y=\"\(f(ly))\">train</text>\n"
            ly += 20
            s += "<line x1=\"\(f(lx))\" y1=\"\(f(ly - 4))\" x2=\"\(f(lx + 18))\" y2=\"\(f(ly - 4))\" stroke=\"#333\" stroke-width=\"2\" stroke-dasharray=\"7 4\"/>"
            s += "<circle cx=\"\(f(lx + 9))\" cy=\"\(f(ly - 4))\" r=\"3.2\" fill=\"white\" stroke=\"#333\" stroke-width=\"1.8\"/>"
            s += "<text x=\"\(f(lx + 26))\" y=\"\(f(ly))\">validation</text>\n"
            ly += 20
        }
        if !boundaries().isEmpty {
            s += "<line x1=\"\(f(lx + 9))\" y1=\"\(f(ly - 12))\" x2=\"\(f(lx + 9))\" y2=\"\(f(ly + 2))\" stroke=\"#333\" stroke-dasharray=\"2 4\" stroke-width=\"1.2\"/>"
            s += "<text x=\"\(f(lx + 26))\" y=\"\(f(ly))\">stage boundary</text>\n"
        }
        s += "</g>\n</svg>\n"
        return s
    }

    func tickLabel(_ v: Double, step: Double) -> String {
        if metric == "tokens_per_s" { return MetricFormatting.shortCount(v) }
        if step >= 1 { return String(format: "%.0f", v) }
        if abs(v) > 0 && abs(v) < 1e-3 { return String(format: "%.0e", v) }
        let decimals = max(0, Int((-log10(step)).rounded(.up)) + (step * pow(10, (-log10(step)).rounded(.up)) == 2.5 ? 1 : 0))
        return String(format: "%.\(min(decimals, 6))f", v)
    }

    /// Text for the SVG (apostrophes stay as they are, as the plot has always written them).
    func xml(_ s: String) -> String { XMLText.escaped(s, apostrophes: false) }
}

/// Rows for text labels along a horizontal line: a label goes to the first row where it overlaps no
/// earlier one (widths estimated from the character count at the plot's 12 px font).
struct LabelRows {
    private var placed: [(x0: Double, x1: Double, row: Int)] = []

    /// The baseline y for a label of `text` starting at `x`: `firstRowY` for row 0, then `belowY`, `belowY + rowHeight`, …
    mutating func place(_ x: Double, text: String, firstRowY: Double, rowHeight: Double, belowY: Double) -> Double {
        let width = Double(text.count) * 7 + 6
        var row = 0
        while placed.contains(where: { $0.row == row && $0.x0 < x + width && x < $0.x1 }) { row += 1 }
        placed.append((x, x + width, row))
        return row == 0 ? firstRowY : belowY + rowHeight * Double(row - 1)
    }
}
