/// The version `dropfill --version` prints and model files record.
enum DropfillVersion {
    static let string = "0.1.0"
}
