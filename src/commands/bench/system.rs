//! What the operating system limits: open files and ephemeral ports.
use super::plan::Plan;

/// Raise the soft open-file limit to the hard limit; returns the limit now in force.
#[allow(clippy::unnecessary_cast)] // rlim_t is not u64 everywhere
fn raise_open_files() -> u64 {
    // SAFETY: getrlimit/setrlimit with a valid pointer to an rlimit.
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) != 0 {
            return u64::MAX;
        }
        if r.rlim_cur < r.rlim_max {
            let wanted = libc::rlimit {
                rlim_cur: r.rlim_max,
                rlim_max: r.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &wanted) == 0 {
                r.rlim_cur = r.rlim_max;
            }
        }
        r.rlim_cur as u64
    }
}

pub const OPEN_FILES_HINT: &str = "raise the hard open-file limit (ulimit -Hn as root, LimitNOFILE= for a \
systemd service, nofile in /etc/security/limits.conf, or the container's ulimits), or split the load over \
several processes with --shard K/N";

pub const PORTS_HINT: &str = "each (source address, broker) pair has about 28k ephemeral ports: spread the \
connections over more source addresses with --source-ip (e.g. 127.0.0.1-127.0.0.8 on loopback), or widen \
net.ipv4.ip_local_port_range";

/// Raise the open-file limit, and warn when the run needs more files or ephemeral ports than
/// it can have.
pub fn warn_about_limits(plan: &Plan) {
    let limit = raise_open_files();
    let needed = plan.connections() + 64;
    if needed > limit {
        crate::output::diag::warning(&format!(
            "this run opens {} connections but the open-file limit is {limit}: connections past that fail; {OPEN_FILES_HINT}",
            plan.connections()
        ));
    }
    let per_pair =
        plan.connections() / (plan.hosts.len() as u64 * plan.source_ips.len().max(1) as u64);
    if per_pair > 28_000
        && plan
            .hosts
            .iter()
            .all(|h| h.host.starts_with("127.") || h.host == "::1")
    {
        crate::output::diag::warning(&format!(
            "about {per_pair} connections per source address and broker: {PORTS_HINT}"
        ));
    }
}
