import { acceptedPorts, bundleOf } from "../lib/firewallBundle";
import { resourcePolicy } from "../lib/policy";
import { LOCAL_COMMAND, REMOTE_COMMAND } from "../lib/resources";

/** Ports of services that only the app may reach, over the internal network. */
export const INTERNAL_SERVICE_PORTS = [5432, 8200, 8201];

/**
 * The firewall opens no port of PostgreSQL or Vault. Opening them is how guides "let clients
 * in" and hands the data tier to the Internet (erratum E9).
 */
export const firewallOpensNoInternalServicePort = resourcePolicy({
    name: "firewall-opens-no-internal-service-port",
    description: "UFW's user rules accept no PostgreSQL or Vault port.",
    types: [LOCAL_COMMAND, REMOTE_COMMAND],
    meta: {
        severity: "critical",
        checklist: ["firewall", "network-segmentation"],
        references: ["chaifeng/ufw-docker (route rules)", "Docker docs: Docker and ufw"],
        remediation:
            "Remove the allow and route-allow rules for 5432, 8200 and 8201; the app reaches them on the backend network.",
        exemptible: true,
    },
    check: (props, args, report) => {
        const bundle = bundleOf(props, args.urn);
        if (!bundle) {
            return;
        }
        for (const file of ["/etc/ufw/user.rules", "/etc/ufw/user6.rules"]) {
            const open = acceptedPorts(bundle.get(file) ?? "");
            for (const port of INTERNAL_SERVICE_PORTS.filter((p) => open.includes(p))) {
                report(`${file} accepts port ${port}, a data-tier port.`);
            }
        }
    },
});
