import Foundation

/// Why a file operation failed, in words ("permission denied", "is a directory, not a file"), from Foundation's
/// errors (`CocoaError`, POSIX errors), so no error domain or code reaches a user.
public enum FileSystemReason {
    /// The reason in words for a Foundation file error, nil for other errors.
    public static func words(_ error: Error) -> String? {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return posix(Int32(underlying.code))
        }
        if ns.domain == NSPOSIXErrorDomain { return posix(Int32(ns.code)) }
        if let path = path(error) {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if ns.code == CocoaError.fileWriteFileExists.rawValue, exists, !isDirectory.boolValue {
                return "a file is in the way (a directory is needed here)"
            }
            if ns.code == CocoaError.fileReadUnknown.rawValue, exists, isDirectory.boolValue { return "is a directory, not a file" }
        }
        return cocoa(ns.code) ?? "file system error \(ns.code)"
    }

    /// The path a Foundation file error names, if any.
    public static func path(_ error: Error) -> String? {
        let ns = error as NSError
        return (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
    }

    /// strerror's text in lower case ("permission denied", "is a directory").
    public static func posix(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }

    /// Words for the `CocoaError` codes Foundation's file operations throw without a POSIX cause.
    static func cocoa(_ code: Int) -> String? {
        switch CocoaError.Code(rawValue: code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileWriteVolumeReadOnly: return "read-only file system"
        case .fileWriteFileExists: return "already exists"
        case .fileReadInapplicableStringEncoding, .fileWriteInapplicableStringEncoding: return "not UTF-8 text"
        case .fileReadTooLarge: return "too large to read"
        case .fileReadCorruptFile, .propertyListReadCorrupt: return "not valid JSON"
        case .fileLocking: return "locked by another process"
        case .fileReadUnknown, .fileWriteUnknown: return "cannot read or write"
        case .fileWriteInvalidFileName: return "not a valid file name"
        default: return nil
        }
    }
}

extension InputError {
    /// "PATH: cannot read: REASON" for a failed read of `url`, the reason in words.
    public static func cannotRead(_ url: URL, _ error: Error) -> InputError {
        if let e = error as? InputError { return e }
        return InputError(file: url.path, "cannot read: \(FileSystemReason.words(error) ?? "\(error)")")
    }
}
