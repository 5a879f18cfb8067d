import Foundation
import LangBuilderBundleSDK
import LangflowBundleSupport

/// Langflow's `CurrentDateComponent`: "Current date and time in <zone>: 2025-01-31 13:00:00 CET". The zones
/// are the system's time zone database (what Python's `available_timezones()` lists); an unknown zone answers
/// Langflow's error text instead of failing.
let currentDate = ComponentDefinition(
    "CurrentDate", displayName: "Current Date", description: "Returns the current date and time in the selected timezone.",
    category: "utilities", icon: "clock", documentation: "https://docs.langflow.org/current-date",
    inputs: [
        .dropdown("timezone", "Timezone", options: TimeZones.available, value: "UTC", info: "Select the timezone for the current date and time.")
    ],
    outputs: [OutputDefinition("current_date", displayName: "Current Date", types: ["Message"])]
) { inputs, context in
    let chosen = try inputs.text("timezone", component: "CurrentDate")
    let zone = chosen.isEmpty ? "UTC" : chosen
    let text: String
    if let now = TimeZones.now(in: zone) {
        text = "Current date and time in \(zone): \(now)"
    } else {
        text = "Error: 'No time zone found with key \(zone)'"
    }
    return ["current_date": Langflow.message(text, context: context)]
}

/// Time zones read from the system's zoneinfo files, with Foundation as the fallback where there are none.
enum TimeZones {
    static let directory = "/usr/share/zoneinfo"

    /// Every zone name, sorted: the zoneinfo files (without `posix/`, `right/`, `posixrules` and `localtime`),
    /// else Foundation's list plus UTC.
    static let available: [String] = {
        var names = Set<String>()
        let root = URL(fileURLWithPath: directory)
        if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
            for case let url as URL in walker {
                let name = String(url.path.dropFirst(root.path.count + 1))
                if name == "posix" || name == "right" {
                    walker.skipDescendants()
                    continue
                }
                if isZoneFile(url.path) { names.insert(name) }
            }
        }
        names.remove("posixrules")
        names.remove("localtime")
        if names.isEmpty { names = Set(TimeZone.knownTimeZoneIdentifiers + ["UTC"]) }
        return names.sorted()
    }()

    private static func isZoneFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("TZif".utf8)
    }

    /// `datetime.now(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S %Z")`, or nil for an unknown zone.
    static func now(in zone: String, at date: Date = Date()) -> String? {
        guard available.contains(zone), let timeZone = TimeZone(identifier: zone) ?? (zone == "UTC" ? TimeZone(secondsFromGMT: 0) : nil) else {
            return nil
        }
        let offset = timeZone.secondsFromGMT(for: date)
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(offset)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        let abbreviation = Self.abbreviation(zone, daylight: timeZone.isDaylightSavingTime(for: date)) ?? timeZone.abbreviation(for: date) ?? zone
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) \(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)) \(abbreviation)"
    }

    /// The zone's abbreviation as the zoneinfo file names it (`CET`/`CEST`, `UTC`, `-03`): from the POSIX TZ
    /// string at the end of the file, which describes the current rules.
    static func abbreviation(_ zone: String, daylight: Bool) -> String? {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(zone)"), data.count > 2, data.last == 0x0A else { return nil }
        let body = data.dropLast()
        guard let start = body.lastIndex(of: 0x0A) else { return nil }
        let rule = Array(body[(start + 1)...])
        var index = 0
        func name() -> String? {
            guard index < rule.count else { return nil }
            if rule[index] == UInt8(ascii: "<") {
                guard let close = rule[index...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
                defer { index = close + 1 }
                return String(decoding: rule[(index + 1)..<close], as: UTF8.self)
            }
            let from = index
            while index < rule.count, (rule[index] >= 0x41 && rule[index] <= 0x5A) || (rule[index] >= 0x61 && rule[index] <= 0x7A) { index += 1 }
            return index > from ? String(decoding: rule[from..<index], as: UTF8.self) : nil
        }
        guard let standard = name() else { return nil }
        while index < rule.count, "+-0123456789:".utf8.contains(rule[index]) { index += 1 }
        let summer = name()
        return daylight ? (summer ?? standard) : standard
    }
}

/// Langflow's `IDGeneratorComponent`: the given `unique_id`, or a new random UUID (lower case, as Python's
/// `str(uuid.uuid4())`).
let idGenerator = ComponentDefinition(
    "IDGenerator", displayName: "ID Generator", description: "Generates a unique ID.", category: "utilities", icon: "fingerprint",
    inputs: [.messageText("unique_id", "Value", info: "The generated unique ID.")],
    outputs: [OutputDefinition("id", displayName: "ID", types: ["Message"])]
) { inputs, context in
    let given = try inputs.text("unique_id", component: "IDGenerator")
    return ["id": Langflow.message(given.isEmpty ? UUID().uuidString.lowercased() : given, context: context)]
}
.legacy()
