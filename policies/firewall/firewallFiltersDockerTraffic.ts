import { bundleOf } from "../lib/firewallBundle";
import { resourcePolicy } from "../lib/policy";
import { LOCAL_COMMAND, REMOTE_COMMAND } from "../lib/resources";

/**
 * UFW governs published container ports through the DOCKER-USER chain, for IPv4 and IPv6.
 * Docker DNATs published ports before UFW's INPUT chains, so without this block a
 * `ufw deny` changes nothing (FC-01).
 */
export const firewallFiltersDockerTraffic = resourcePolicy({
    name: "firewall-filters-docker-traffic",
    description:
        "after.rules and after6.rules send DOCKER-USER through UFW's forward rules and drop new connections otherwise.",
    types: [LOCAL_COMMAND, REMOTE_COMMAND],
    meta: {
        severity: "critical",
        checklist: ["firewall"],
        references: [
            "Docker docs: packet filtering and firewalls (DOCKER-USER)",
            "chaifeng/ufw-docker",
            "FC-01",
        ],
        remediation:
            "Add a DOCKER-USER block to after.rules and after6.rules that jumps to ufw-user-forward and drops NEW connections to the container subnets.",
        exemptible: true,
    },
    check: (props, args, report) => {
        const bundle = bundleOf(props, args.urn);
        if (!bundle) {
            return;
        }
        for (const file of ["/etc/ufw/after.rules", "/etc/ufw/after6.rules"]) {
            const text = bundle.get(file) ?? "";
            if (!/^:DOCKER-USER\b/m.test(text) && !/^-A DOCKER-USER\b/m.test(text)) {
                report(`${file} has no DOCKER-USER block; published container ports bypass UFW.`);
                continue;
            }
            const rules = text.split("\n").filter((l) => /^-A DOCKER-USER\b/.test(l));
            const consult = rules.findIndex((l) => /-j ufw6?-user-forward\b/.test(l));
            if (consult < 0) {
                report(`${file}: DOCKER-USER does not consult ufw-user-forward.`);
                continue;
            }
            // After UFW's route rules had their say, what is left must be dropped or rejected
            // (directly or through a deny chain); dropping only INVALID packets is not enough.
            const denies = rules
                .slice(consult + 1)
                .filter((l) => /-j (DROP|REJECT|\S*(deny|drop|reject)\S*)\s*$/i.test(l))
                .filter((l) => !/--ctstate INVALID\b/.test(l));
            if (denies.length === 0) {
                report(`${file}: DOCKER-USER drops no new connections after UFW's forward rules.`);
            }
        }
    },
});
