#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A shared library opened with `dlopen`. The only place that calls dlopen/dlsym/dlerror.
///
/// Libraries are opened with `RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE` and never closed: Swift bundles
/// register metadata with the runtime that nothing unregisters, so unmapping them crashes the process later.
struct DynamicLibrary: @unchecked Sendable {
    let path: String
    let handle: UnsafeMutableRawPointer

    /// Opens the library file at `path`; on failure returns dlerror's text.
    ///
    /// A path without a slash is taken relative to the current directory: dlopen would otherwise search the
    /// library path for that name and could open another library than the file that was checked.
    static func open(_ path: String) -> Result<DynamicLibrary, DynamicLibraryError> {
        _ = dlerror()
        #if canImport(Darwin)
        let flags = RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE
        #else
        let flags = RTLD_NOW | RTLD_LOCAL | Int32(RTLD_NODELETE)
        #endif
        let file = path.contains("/") ? path : "./" + path
        guard let handle = dlopen(file, flags) else {
            return .failure(DynamicLibraryError(message: lastError() ?? "dlopen failed"))
        }
        return .success(DynamicLibrary(path: path, handle: handle))
    }

    /// Looks up an exported symbol of this library.
    func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        _ = dlerror()
        return dlsym(handle, name)
    }

    private static func lastError() -> String? {
        guard let message = dlerror() else { return nil }
        return String(cString: message)
    }
}

struct DynamicLibraryError: Error {
    var message: String
}
