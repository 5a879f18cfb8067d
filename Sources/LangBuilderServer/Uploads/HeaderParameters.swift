import Foundation

/// A header value with parameters, `value; name="x"; filename*=UTF-8''caf%C3%A9.json`, parsed per RFC 7231
/// (quoted strings, where `\"` and `\\` are escapes) and RFC 5987 (`name*` extended values).
struct HeaderParameters {
    /// The part before the first `;`, trimmed.
    var value: String
    /// Parameters by lowercased name, decoded; an extended `name*` is stored under `name*`.
    var parameters: [String: String]

    init(_ header: String) {
        let scalars = Array(header.unicodeScalars)
        var position = 0
        func skipSpaces() { while position < scalars.count, scalars[position] == " " || scalars[position] == "\t" { position += 1 } }
        func token(until stops: Set<Unicode.Scalar>) -> String {
            var text = String.UnicodeScalarView()
            while position < scalars.count, !stops.contains(scalars[position]) {
                text.append(scalars[position])
                position += 1
            }
            return String(text).trimmingCharacters(in: .whitespaces)
        }
        value = token(until: [";"])
        parameters = [:]
        while position < scalars.count {
            position += 1  // the ";"
            skipSpaces()
            let name = token(until: ["=", ";"]).lowercased()
            guard position < scalars.count, scalars[position] == "=" else { continue }
            position += 1
            skipSpaces()
            var parameterValue = ""
            if position < scalars.count, scalars[position] == "\"" {
                position += 1
                var text = String.UnicodeScalarView()
                while position < scalars.count, scalars[position] != "\"" {
                    // Only `\"` and `\\` are escapes: browsers send Windows paths with bare backslashes.
                    if scalars[position] == "\\", position + 1 < scalars.count, scalars[position + 1] == "\"" || scalars[position + 1] == "\\" {
                        position += 1
                    }
                    text.append(scalars[position])
                    position += 1
                }
                position += 1
                parameterValue = String(text)
                _ = token(until: [";"])
            } else {
                parameterValue = token(until: [";"])
            }
            if !name.isEmpty, parameters[name] == nil { parameters[name] = parameterValue }
        }
    }

    subscript(name: String) -> String? { parameters[name.lowercased()] }

    /// The `filename`, from `filename*` (RFC 5987, UTF-8) when present and decodable, else `filename`.
    var filename: String? {
        if let extended = self["filename*"] {
            let pieces = extended.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
            if pieces.count == 3, pieces[0].lowercased() == "utf-8", let decoded = String(pieces[2]).removingPercentEncoding {
                return decoded
            }
        }
        return self["filename"]
    }
}

/// `Content-Disposition: attachment` for a download, as Langflow's `build_content_disposition`: an ASCII
/// fallback `filename` and the exact name in `filename*` (RFC 6266, RFC 5987).
func attachmentDisposition(filename: String) -> String {
    var fallback = String.UnicodeScalarView()
    for scalar in filename.unicodeScalars {
        if scalar.isASCII, scalar.value >= 0x20, scalar.value != 0x7F, scalar != "\"", scalar != "\\" {
            fallback.append(scalar)
        } else if scalar.isASCII || scalar.properties.generalCategory == .control {
            fallback.append("_")
        }
    }
    let ascii = String(fallback).isEmpty ? "download" : String(fallback)
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    let encoded = filename.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
    return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
}
