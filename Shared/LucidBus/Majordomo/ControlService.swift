// A service's control worker: one extra Majordomo worker, registered under "<service>/control",
// that answers only Health, so that a service whose workers are all busy still answers Health.
// The broker routes to it (BrokerEngine); every ServiceWorker opens one (ServiceWorker.start).

/// The naming rule that ties a service to its control worker, shared by the broker and the workers.
///
/// Clients never name the control worker: they call Health on the service itself. When a Health
/// request for `S` finds no idle worker of `S`, the broker hands it to an idle worker registered as
/// `S/control`; any other method of `S` waits for a worker of `S` as before. A worker in another
/// language gets the same behaviour by registering a second socket as `S/control` that answers Health.
public enum ControlService {
    /// The one method a control worker serves.
    public static let method = "Health"

    private static let suffix = "/control"

    /// The Majordomo name of the control worker of `service`, e.g. "lucid.v1.Sampler/control".
    public static func name(of service: String) -> String { service + suffix }

    /// Whether `name` is a control worker's name rather than a service's.
    public static func isControl(_ name: String) -> Bool { service(ofControl: name) != nil }

    /// The service whose control worker registers as `name`; nil when `name` is not a control name.
    static func service(ofControl name: String) -> String? {
        guard name.hasSuffix(suffix), name.count > suffix.count else { return nil }
        return String(name.dropLast(suffix.count))
    }
}
