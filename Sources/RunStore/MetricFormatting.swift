import Foundation

/// How numbers read in tables: losses to 4 decimals, pass@k to 3, counts grouped, times in s/m/h.
public enum MetricFormatting {
    public static func value(_ v: Double?, metric: String) -> String {
        guard let v else { return "-" }
        if metric.hasPrefix("pass@") { return String(format: "%.3f", v) }
        if metric == "tokens" || metric == "steps" { return count(Int(v.rounded())) }
        if metric == "duration_s" { return duration(v) }
        if metric == "tokens_per_s" { return String(format: "%.0f", v) }
        return String(format: "%.4f", v)
    }

    public static func delta(_ d: Double?, metric: String) -> String {
        guard let d else { return "-" }
        let sign = d > 0 ? "+" : (d < 0 ? "-" : "")
        let mag = abs(d)
        if metric.hasPrefix("pass@") { return sign + String(format: "%.3f", mag) }
        if metric == "tokens" || metric == "steps" { return sign + count(Int(mag.rounded())) }
        if metric == "duration_s" { return sign + duration(mag) }
        if metric == "tokens_per_s" { return sign + String(format: "%.0f", mag) }
        return sign + String(format: "%.4f", mag)
    }

    /// `1234567` → `1,234,567`.
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `75` → `1m15s`, `3725` → `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return seconds < 10 ? String(format: "%.1fs", seconds) : "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }

    /// Compact token counts for plot axes: `950`, `12k`, `1.5M`.
    public static func shortCount(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e9 { return trim(v / 1e9) + "G" }
        if a >= 1e6 { return trim(v / 1e6) + "M" }
        if a >= 1e3 { return trim(v / 1e3) + "k" }
        return trim(v)
    }

    static func trim(_ v: Double) -> String {
        var s = String(format: "%.2f", v)
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s
    }

    /// ISO-8601 to the minute in UTC: `2026-11-23 01:15`.
    public static func time(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}
