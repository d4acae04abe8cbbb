import { renderedFile } from "./dataTier";
import { NginxContext, nginxContexts, parseNginx } from "./nginx";
import { RENDERED_PATHS } from "./resources";

/**
 * The parsed nginx configuration of an edge container, or undefined for other resources. An
 * edge without its rendered file, or with one that does not parse, is reported.
 */
export function edgeNginx(
    type: string,
    props: Record<string, any>,
    report: (message: string) => void,
): NginxContext[] | undefined {
    const text = renderedFile(type, props, "edge", RENDERED_PATHS.nginxConf, report);
    if (text === undefined) {
        return undefined;
    }
    try {
        return nginxContexts(parseNginx(text));
    } catch (err) {
        report(`The rendered nginx.conf does not parse: ${(err as Error).message}.`);
        return undefined;
    }
}
