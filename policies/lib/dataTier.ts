import {
    CONTAINER,
    FILES_IN_LABEL,
    RENDERED_PATHS,
    labelValue,
    roleOf,
    uploadAt,
} from "./resources";

/**
 * The text of a rendered file in a container of the given role, or undefined for other
 * resources. A container of the role without the file is reported.
 */
export function renderedFile(
    type: string,
    props: Record<string, any>,
    role: string,
    path: string,
    report: (message: string) => void,
): string | undefined {
    if (type !== CONTAINER || roleOf(props) !== role) {
        return undefined;
    }
    const upload = uploadAt(props, path);
    if (!upload && labelValue(props, FILES_IN_LABEL)) {
        return undefined; // the file seed carries it and is checked itself
    }
    if (!upload || typeof upload.content !== "string") {
        report(`The ${role} container has no rendered ${path} to check.`);
        return undefined;
    }
    return upload.content;
}

export { RENDERED_PATHS };
