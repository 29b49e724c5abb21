import Foundation
import FileFormats

/// `run.json`: who a run is and where it stands. Rewritten atomically whenever its status changes.
public struct RunRecord: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        case running, completed, failed, interrupted
    }

    public var id: String
    public var name: String
    public var status: Status
    public var created: Date
    public var updated: Date
    public var finished: Date?
    /// sha256 of the resolved `config.yaml` written beside this file.
    public var configSHA256: String
    /// `git rev-parse HEAD` of the working directory at launch, when it is a repository.
    public var gitCommit: String?
    public var host: String
    public var threads: Int
    /// Component versions (`codetune`, `swift`, `os`, ...).
    public var versions: [String: String]
    /// Stage names in run order, from the config.
    public var stages: [String]
    /// Seconds spent training, summed over every launch of this run (resumes included).
    public var elapsedSeconds: Double
    /// How many times the run was resumed.
    public var resumes: Int
    /// Why the run failed or stopped, one line.
    public var message: String?
    /// The evals run at stage ends, in the order they ran; nil (no `evals` key) until one has run, as in
    /// `run.json` files written before evals were recorded.
    public var evals: [StageEval]?
    /// The arithmetic the run's matrix products used on this machine ("fp32" or "bf16": the config's
    /// `precision` resolved, `auto` included); nil in run.json files written before precision existed.
    public var precision: String?
    /// Each stage's resolved precision, in `stages` order, from the config's run and stage `precision` keys;
    /// nil (no `stage_precision` key) in run.json files written before stages could differ.
    public var stagePrecisions: [String]?
    /// Processes training the run in data parallel (`mpirun -np N`) at its latest launch; nil (no
    /// `world_size` key) for one process, as in `run.json` files written before it was recorded.
    public var worldSize: Int?

    public init(id: String, name: String, status: Status = .running, created: Date = Date(), configSHA256: String,
                gitCommit: String?, host: String, threads: Int, versions: [String: String], stages: [String]) {
        self.id = id
        self.name = name
        self.status = status
        self.created = created
        self.updated = created
        self.finished = nil
        self.configSHA256 = configSHA256
        self.gitCommit = gitCommit
        self.host = host
        self.threads = threads
        self.versions = versions
        self.stages = stages
        self.elapsedSeconds = 0
        self.resumes = 0
        self.message = nil
    }

    enum CodingKeys: String, CodingKey {
        case id, name, status, created, updated, finished, host, threads, versions, stages, resumes, message, evals
        case precision
        case stagePrecisions = "stage_precision"
        case configSHA256 = "config_sha256"
        case gitCommit = "git_commit"
        case elapsedSeconds = "elapsed_seconds"
        case worldSize = "world_size"
    }

    /// Adds `eval`, replacing an earlier record of the same suite and stage.
    public mutating func record(_ eval: StageEval) {
        var list = (evals ?? []).filter { ($0.suite, $0.stage) != (eval.suite, eval.stage) }
        list.append(eval)
        evals = list
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    public func encoded() throws -> Data { try Self.encoder.encode(self) + Data("\n".utf8) }

    public static func decode(_ data: Data, file: String) throws -> RunRecord {
        do { return try decoder.decode(RunRecord.self, from: data) } catch let e as DecodingError {
            throw InputError(file: file, JSONLines.describe(e))
        } catch {
            throw InputError(file: file, "not valid JSON")
        }
    }
}
