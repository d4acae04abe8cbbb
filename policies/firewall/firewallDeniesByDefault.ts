import { BUNDLE_FILES, bundleOf, ufwDefaults } from "../lib/firewallBundle";
import { resourcePolicy } from "../lib/policy";
import { LOCAL_COMMAND, REMOTE_COMMAND } from "../lib/resources";

/**
 * The host firewall drops incoming and routed traffic by default, and the bundle holds every
 * file it must write. Routed ACCEPT is the common "fix" for Docker that opens every container
 * port (erratum E10). This is a floor: no exemption can waive it.
 */
export const firewallDeniesByDefault = resourcePolicy({
    name: "firewall-denies-by-default",
    description:
        "The UFW bundle drops incoming and routed traffic by default and contains all five files.",
    types: [LOCAL_COMMAND, REMOTE_COMMAND],
    meta: {
        severity: "critical",
        checklist: ["firewall"],
        references: [
            "ufw(8): default policies",
            "CIS Docker Benchmark v1.6.0 2.4",
            "chaifeng/ufw-docker",
        ],
        remediation:
            'Set DEFAULT_INPUT_POLICY="DROP" and DEFAULT_FORWARD_POLICY="DROP" in /etc/default/ufw; render all five files.',
        exemptible: false,
    },
    check: (props, args, report) => {
        const bundle = bundleOf(props, args.urn);
        if (!bundle) {
            return;
        }
        for (const file of BUNDLE_FILES.filter((f) => !bundle.has(f))) {
            report(`The firewall bundle lacks ${file}.`);
        }
        const defaults = ufwDefaults(bundle.get("/etc/default/ufw") ?? "");
        for (const key of ["DEFAULT_INPUT_POLICY", "DEFAULT_FORWARD_POLICY"]) {
            const value = defaults.get(key);
            if (value !== "DROP" && value !== "REJECT") {
                report(`${key} is ${value ?? "unset"}; the firewall must deny by default.`);
            }
        }
    },
});
