/**
 * The policy SDK's unknown-value machinery. The SDK marks it internal, so its types are not
 * published, but the engine builds every policy's arguments with it; the offline check and the
 * tests must build them the same way.
 */
interface ProxyModule {
    getSpecialProxyTarget: string;
    UnknownValueError: new (sentinel: string, props: string[]) => Error;
    unknownCheckingProxy<T extends object>(value: T): T;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
    unknownNumberValue: string;
    unknownBooleanValue: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require("@pulumi/policy/proxy") as ProxyModule;

/** Thrown when a policy reads a value that is unknown at preview. */
export const UnknownValueError = sdk.UnknownValueError;

/** Wraps inputs so that reading an unknown value throws, as the engine's analyzer does. */
export const unknownCheckingProxy = sdk.unknownCheckingProxy;

/** The sentinels the engine sends for values unknown at preview, by kind. */
export const UNKNOWN = {
    string: sdk.unknownStringValue,
    array: sdk.unknownArrayValue,
    object: sdk.unknownObjectValue,
    number: sdk.unknownNumberValue,
    boolean: sdk.unknownBooleanValue,
};

/** Whether a property holds one of the engine's unknown sentinels; reads without throwing. */
export function isUnknownProperty(props: Record<string, unknown>, key: string): boolean {
    const target = (props[sdk.getSpecialProxyTarget] ?? props) as Record<string, unknown>;
    return Object.values(UNKNOWN).includes(target[key] as string);
}
