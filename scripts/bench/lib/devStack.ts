import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { StackConfig, loadConfig } from "../../../infra/config";
import { loadStackSettings } from "../../lib/stackConfig";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "..", "..", "..");

/**
 * The dev stack's validated config, read the way the program reads it: Pulumi.dev.yaml through
 * the SDK's config and the project's ConfigReader.
 */
export function devStackConfig(): StackConfig {
    const settings = loadStackSettings(ROOT, "dev");
    pulumi.runtime.setAllConfig(settings.config.values, settings.config.secretKeys);
    return loadConfig();
}
