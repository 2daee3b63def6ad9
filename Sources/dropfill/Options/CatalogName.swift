import ArgumentParser
import Pipeline
import Restoration

/// A catalog of names an option takes (restoration methods, aligners).
protocol NameCatalog {
    /// Every name, in the order help lists them.
    static var names: [String] { get }
}

/// One name of `Catalog` as an option takes it, so help and errors list the catalog.
struct CatalogName<Catalog: NameCatalog>: ExpressibleByArgument, CustomStringConvertible, Equatable, Sendable {
    /// The catalog's name (what the catalog's `make` takes).
    let name: String

    /// The entry called `argument`; nil when the catalog has none of that name.
    init?(argument: String) {
        guard Catalog.names.contains(argument) else { return nil }
        name = argument
    }

    /// A name the code knows to be in the catalog (defaults).
    init(_ known: String) { name = known }

    static var allValueStrings: [String] { Catalog.names }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    var description: String { name }
}

/// The restoration methods (`RestorerCatalog`).
enum Methods: NameCatalog {
    static var names: [String] { RestorerCatalog.all }
}

/// The aligners (`AlignerCatalog`).
enum Aligners: NameCatalog {
    static var names: [String] { AlignerCatalog.all }
}

/// A restoration method as `--method` names it.
typealias MethodName = CatalogName<Methods>
/// An aligner as `--aligner` names it.
typealias AlignerName = CatalogName<Aligners>

extension CatalogName where Catalog == Aligners {
    /// `aligner`: the best retrieval on the validation persons, as the model file records it.
    static var best: Self { Self("aligner") }
}

/// A comma-separated list of restoration methods (`--methods hold,blend`), each one of `RestorerCatalog.all`.
struct MethodList: ExpressibleByArgument, CustomStringConvertible, Equatable, Sendable {
    /// The names in the order given, duplicates dropped.
    let names: [String]

    /// The list in `argument`; nil when it is empty or names a method the catalog lacks.
    init?(argument: String) {
        var seen = Set<String>(), names: [String] = []
        for part in argument.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            guard Methods.names.contains(name) else { return nil }
            if seen.insert(name).inserted { names.append(name) }
        }
        guard !names.isEmpty else { return nil }
        self.names = names
    }

    /// Names the code knows to be in the catalog (defaults).
    init(_ known: [String]) { names = known }

    static var allValueStrings: [String] { Methods.names }
    /// The list as `RestorerCatalog.make(list:)` takes it.
    var description: String { names.joined(separator: ",") }
}
