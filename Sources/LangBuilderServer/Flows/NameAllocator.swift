/// Hands out names that are not taken yet, the way Langflow renames duplicates: `Echo` becomes `Echo (1)`, or
/// one more than the highest `Echo (n)` taken; endpoint names become `echo-1`, `echo-2`, ….
struct NameAllocator {
    private(set) var taken: Set<String>

    init(taken: some Sequence<String>) {
        self.taken = Set(taken)
    }

    /// `name`, or `name (n)` with n one more than the highest taken; the result is taken from then on.
    mutating func claim(_ name: String) -> String {
        guard taken.contains(name) else {
            taken.insert(name)
            return name
        }
        let prefix = name + " ("
        let highest = taken.compactMap { other -> Int? in
            guard other.hasPrefix(prefix), other.hasSuffix(")") else { return nil }
            return Int(other.dropFirst(prefix.count).dropLast())
        }.max() ?? 0
        var number = highest + 1
        while taken.contains("\(name) (\(number))") { number += 1 }
        let result = "\(name) (\(number))"
        taken.insert(result)
        return result
    }

    /// `name`, or `name-n` with n one more than the highest taken; the result is taken from then on.
    mutating func claimEndpoint(_ name: String) -> String {
        guard taken.contains(name) else {
            taken.insert(name)
            return name
        }
        let prefix = name + "-"
        let highest = taken.compactMap { other -> Int? in
            guard other.hasPrefix(prefix) else { return nil }
            return Int(other.dropFirst(prefix.count))
        }.max() ?? 0
        var number = highest + 1
        while taken.contains("\(name)-\(number)") { number += 1 }
        let result = "\(name)-\(number)"
        taken.insert(result)
        return result
    }

    /// Marks `name` as taken.
    mutating func reserve(_ name: String) {
        taken.insert(name)
    }
}
