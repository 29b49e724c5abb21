import Foundation

/// Run ids that sort by creation time: `yyyyMMdd-HHmmss-xxxx` in UTC, with four random hex
/// digits so two runs started in the same second differ (`20261123-011502-ab12`).
public enum RunID {
    public static func make(at date: Date = Date()) -> String {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let stamp = String(format: "%04d%02d%02d-%02d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0,
                           c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        return stamp + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }

    /// Whether `text` has the shape of a run id.
    public static func isRunID(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        return parts.count == 3 && parts[0].count == 8 && parts[1].count == 6 && parts[2].count == 4
            && parts[0].allSatisfy(\.isNumber) && parts[1].allSatisfy(\.isNumber) && parts[2].allSatisfy(\.isHexDigit)
    }
}
