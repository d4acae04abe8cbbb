import { acceptedPorts, bundleOf } from "../lib/firewallBundle";
import { stackPolicy } from "../lib/policy";
import { CONTAINER, LOCAL_COMMAND, REMOTE_COMMAND } from "../lib/resources";
import { isLoopback } from "./onlyTheEdgePublishesPublicly";

/**
 * Every port published beyond loopback is governed by the host firewall: the bundle filters
 * DOCKER-USER and its forward rules name the container port. Rules keyed on the host port
 * never match, because DOCKER-USER sees traffic after DNAT (FC-01, FC-02).
 */
export const publishedPortsAreCoveredByFirewall = stackPolicy({
    name: "published-ports-are-covered-by-firewall",
    description:
        "Each port published on a non-loopback address has a DOCKER-USER-aware firewall rule for its container port.",
    meta: {
        severity: "critical",
        checklist: ["firewall"],
        references: [
            "Docker docs: Docker and ufw",
            "chaifeng/ufw-docker (route rules)",
            "FC-01",
            "FC-02",
        ],
        remediation:
            "Set `firewall.manage: true` so the stack's UFW rules (with a `ufw route allow` to the edge container's address and internal port) cover the published port, bind `proxy.bindAddress` to 127.0.0.1 on a workstation, or record an exemption naming the firewall outside this stack (a cloud security group) that covers the host.",
        exemptible: true,
    },
    check: (resources, _args, report) => {
        const bundles = resources
            .filter((r) => r.type === LOCAL_COMMAND || r.type === REMOTE_COMMAND)
            .map((r) => bundleOf(r.props, r.urn))
            .filter((b): b is Map<string, string> => b !== undefined);
        const forward = bundles.flatMap((b) =>
            acceptedPorts(
                (b.get("/etc/ufw/user.rules") ?? "")
                    .split("\n")
                    .filter((l) => /ufw-user-forward/.test(l))
                    .join("\n"),
            ),
        );
        const dockerUser = bundles.some((b) =>
            /DOCKER-USER/.test(b.get("/etc/ufw/after.rules") ?? ""),
        );
        for (const c of resources.filter((r) => r.type === CONTAINER)) {
            for (const port of (c.props.ports ?? []).filter((p: any) => !isLoopback(p.ip))) {
                const what = `${c.name} port ${port.external ?? "?"}->${port.internal} on ${port.ip || "every address"}`;
                if (bundles.length === 0) {
                    report(`${what} is published but the stack has no host firewall.`, c.urn);
                } else if (!dockerUser) {
                    report(`${what} bypasses UFW: after.rules has no DOCKER-USER block.`, c.urn);
                } else if (!forward.includes(Number(port.internal))) {
                    report(
                        `${what} has no forward rule for container port ${port.internal}.`,
                        c.urn,
                    );
                }
            }
        }
    },
});
