// The version every LucidDrag executable reports in its Health reply and `--version`.

/// LucidDrag's release version.
public enum LucidVersion {
    public static let current = "0.1.0"
}
