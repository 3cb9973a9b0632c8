/// APILimits: what one HTTP API server accepts — upload size, image side, jobs at once, how long
/// results are kept.
import Foundation

public struct APILimits: Sendable {
    /// The largest request body, in bytes; a larger one is refused with 413.
    public var maxUploadBytes: Int
    /// The longest image side accepted, in pixels.
    public var maxImageSide: Int
    /// Edit jobs queued or running at once; one more is refused with 429.
    public var maxJobs: Int
    /// How long a finished job and its images are kept before they are deleted.
    public var keepResults: Duration
    /// How long one edit job may take, end to end.
    public var editDeadline: Duration
    /// How often a quiet event stream gets a keep-alive comment.
    public var sseKeepAlive: Duration

    public init(
        maxUploadBytes: Int = 20 << 20, maxImageSide: Int = 4096, maxJobs: Int = 8,
        keepResults: Duration = .seconds(600), editDeadline: Duration = .seconds(1800),
        sseKeepAlive: Duration = .seconds(15)
    ) {
        self.maxUploadBytes = maxUploadBytes
        self.maxImageSide = maxImageSide
        self.maxJobs = maxJobs
        self.keepResults = keepResults
        self.editDeadline = editDeadline
        self.sseKeepAlive = sseKeepAlive
    }
}
