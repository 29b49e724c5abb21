import Foundation

/// What the supervisor saw of one run, before judging.
struct RawOutcome: Decodable {
    var stdout: String
    var stderr: String
    var exit_code: Int?
    var signal: Int?
    var timed_out: Bool
    var flooded: Bool
    var duration_ms: Int
    var clean: Bool
    /// A split sample's verdict, from the judge (the supervisor, where `check` ran; absent for self-checking programs).
    var judge: JudgeReport?
}

/// What the judge (the supervisor) reported: `passed` only when `check` returned; `gone` when the completion's
/// process stopped answering (at which moment); `judge_failed` when the judge itself ended without a verdict.
struct JudgeReport: Decodable {
    var passed: Bool
    var detail: String
    var gone: String?
    var judge_failed: Bool?
}

/// Judges a raw outcome: a split sample passes only on the judge's report that `check` returned; a self-checking
/// program only when its process exited 0 **and** the sentinel line is in its stdout.
func judge(_ raw: RawOutcome, sentinel: String, limits: SandboxLimits) -> (SampleStatus, String) {
    if raw.timed_out {
        return (.timeout, "timed out after \(formatSeconds(limits.timeoutSeconds)) s (wall clock); process tree killed")
    }
    if raw.flooded {
        return (.failed, "output limit exceeded (more than \(2 * limits.outputCapBytes) bytes); killed")
    }
    if let report = raw.judge {
        return judgeSplit(raw, report)
    }
    if let signal = raw.signal {
        return (.failed, killedDescription(signal))
    }
    let code = raw.exit_code ?? -1
    let lastLine = lastStderrLine(raw)
    if code == 121 && raw.stderr.contains("codetune-sandbox:") {
        return (.error, lastLine ?? "the harness could not prepare the sample")
    }
    if code != 0 {
        return (.failed, truncateDetail(lastLine ?? "exited with status \(code)"))
    }
    guard !sentinel.isEmpty else {
        return (.failed, "no verdict from the judging process")
    }
    let sentinelLine = "\n" + sentinel + "\n"
    guard raw.stdout.contains(sentinelLine) else {
        return (.failed, "exited with status 0 before the tests finished (no sentinel)")
    }
    return (.passed, "")
}

/// A split sample: passed only on the judge's word; a completion's process that stopped answering is
/// described by how it ended (its exception's last line, its signal, or an exit status 0 before the tests finished).
func judgeSplit(_ raw: RawOutcome, _ report: JudgeReport) -> (SampleStatus, String) {
    if report.passed { return (.passed, "") }
    if report.judge_failed == true { return (.error, truncateDetail(report.detail)) }
    guard let moment = report.gone else { return (.failed, truncateDetail(report.detail)) }
    let lastLine = lastStderrLine(raw)
    if let signal = raw.signal {
        return (.failed, "\(killedDescription(signal)) \(moment)")
    }
    guard let code = raw.exit_code else {
        return (.failed, "the completion's process stopped answering \(moment)")
    }
    if code == 121 && raw.stderr.contains("codetune-sandbox:") {
        return (.error, lastLine ?? "the harness could not prepare the sample")
    }
    if code != 0 {
        return (.failed, truncateDetail(lastLine ?? "exited with status \(code) \(moment)"))
    }
    return (.failed, "exited with status 0 \(moment), before the tests finished")
}

func truncateDetail(_ s: String) -> String {
    s.count <= 300 ? s : String(s.prefix(297)) + "..."
}

func formatSeconds(_ s: Double) -> String {
    s.rounded() == s ? String(Int(s)) : String(s)
}

func signalName(_ signal: Int) -> String {
    let names: [Int32: String] = [SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGXCPU: "SIGXCPU",
                                  SIGXFSZ: "SIGXFSZ", SIGBUS: "SIGBUS", SIGTERM: "SIGTERM", SIGFPE: "SIGFPE",
                                  SIGILL: "SIGILL", SIGPIPE: "SIGPIPE", SIGSYS: "SIGSYS"]
    return names[Int32(signal)] ?? "signal \(signal)"
}

/// "killed by SIGKILL (…)": the signal and the limit it most likely stands for.
private func killedDescription(_ signal: Int) -> String {
    var why = ""
    if signal == Int(SIGXCPU) { why = " (CPU time limit)" }
    if signal == Int(SIGKILL) { why = " (memory, process or CPU limit, or killed by the sample)" }
    return "killed by \(signalName(signal))\(why)"
}

/// The last non-blank line the sample's process wrote to stderr.
private func lastStderrLine(_ raw: RawOutcome) -> String? {
    raw.stderr.split(whereSeparator: \.isNewline).last(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init)
}
