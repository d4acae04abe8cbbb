import { NginxContext, nginxContexts, parseNginx } from "./nginx";
import {
    CONTAINER,
    FILES_IN_LABEL,
    RENDERED_PATHS,
    labelValue,
    roleOf,
    uploadAt,
} from "./resources";

/**
 * The parsed nginx configuration of an edge container, or undefined for other resources. An
 * edge without its rendered file, or with one that does not parse, is reported by the caller.
 */
export function edgeNginx(
    type: string,
    props: Record<string, any>,
    report: (message: string) => void,
): NginxContext[] | undefined {
    if (type !== CONTAINER || roleOf(props) !== "edge") {
        return undefined;
    }
    const upload = uploadAt(props, RENDERED_PATHS.nginxConf);
    if (!upload && labelValue(props, FILES_IN_LABEL)) {
        return undefined; // the file seed carries it and is checked itself
    }
    if (!upload || typeof upload.content !== "string") {
        report(`The edge container has no rendered ${RENDERED_PATHS.nginxConf} to check.`);
        return undefined;
    }
    try {
        return nginxContexts(parseNginx(upload.content));
    } catch (err) {
        report(`The rendered nginx.conf does not parse: ${(err as Error).message}.`);
        return undefined;
    }
}
