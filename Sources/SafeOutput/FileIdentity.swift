#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What a path is on disk, found with `stat` (symlinks followed): the device and inode that identify a file
/// whatever name reaches it, and its kind.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    /// The kind of object a path resolves to.
    public enum Kind: Sendable, Equatable {
        case regular, folder, special
    }

    /// The identity and kind of what `path` resolves to, nil when nothing is there (or a symlink dangles).
    public static func of(_ path: String) -> (identity: FileIdentity, kind: Kind)? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        let type = s.st_mode & S_IFMT
        let kind: Kind = type == S_IFREG ? .regular : (type == S_IFDIR ? .folder : .special)
        return (FileIdentity(device: UInt64(s.st_dev), inode: UInt64(s.st_ino)), kind)
    }
}

/// Path arithmetic for outputs: where a write through `path` really lands.
public enum ResolvedPath {
    /// The path a write to `path` lands on: each symlink in the last component is followed (up to 40 links, as
    /// the kernel does, dangling ones too), and the folder part is made absolute with its symlinks resolved.
    public static func target(of path: String) -> String {
        var current = absolute(path)
        for _ in 0..<40 {
            var s = stat()
            guard lstat(current, &s) == 0, s.st_mode & S_IFMT == S_IFLNK else { break }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { break }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : (folder(of: current) as NSString).appendingPathComponent(link)
        }
        let dir = folder(of: current), name = (current as NSString).lastPathComponent
        return (realFolder(dir) as NSString).appendingPathComponent(name)
    }

    /// `path` made absolute against the working directory (not resolved).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    /// The folder part of `path` ("/" for a top-level name).
    static func folder(of path: String) -> String {
        let d = (path as NSString).deletingLastPathComponent
        return d.isEmpty ? "/" : d
    }

    /// `dir` with every symlink resolved (`realpath`), or `dir` itself when it does not exist.
    static func realFolder(_ dir: String) -> String {
        guard let p = realpath(dir, nil) else { return dir }
        defer { free(p) }
        return String(cString: p)
    }
}
