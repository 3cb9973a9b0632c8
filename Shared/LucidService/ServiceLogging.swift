// swift-log set-up for LucidDrag processes: one line per event on standard error, at the configured level.
import Foundation
import Logging
import Synchronization

/// Installs the process-wide log handler once and hands out loggers labelled per component.
public enum ServiceLogging {
    private static let bootstrapped = Mutex(false)

    /// Sends log lines at `level` and above to standard error. Later calls only return.
    public static func bootstrap(level: Logger.Level) {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    /// A logger for one component, tagged with the worker id.
    public static func logger(_ label: String, workerID: String) -> Logger {
        var logger = Logger(label: label)
        logger[metadataKey: "worker"] = "\(workerID)"
        return logger
    }
}
