import * as fs from "node:fs";
import * as path from "node:path";

import Handlebars from "handlebars";

/** The folder with every template the project renders. */
export const TEMPLATES_DIR = path.resolve(__dirname, "..", "..", "templates");

/**
 * One Handlebars environment for all rendered files. Config files are not HTML, so nothing is
 * escaped; values are validated before they get here instead (see infra/config/rules.ts).
 * Templates compile in strict mode: a name the context lacks is an error, never an empty string.
 */
const env = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();
let partialsLoaded = false;

function loadPartials(): void {
    if (partialsLoaded) {
        return;
    }
    for (const dir of fs.readdirSync(TEMPLATES_DIR)) {
        const partialsDir = path.join(TEMPLATES_DIR, dir, "partials");
        if (!fs.existsSync(partialsDir)) {
            continue;
        }
        for (const file of fs.readdirSync(partialsDir)) {
            if (file.endsWith(".hbs")) {
                const name = `${dir}/${file.replace(/\.hbs$/, "")}`;
                env.registerPartial(name, fs.readFileSync(path.join(partialsDir, file), "utf8"));
            }
        }
    }
    partialsLoaded = true;
}

/** Renders `templates/<name>.hbs` with the context. */
export function renderTemplate(name: string, context: object): string {
    loadPartials();
    let template = compiled.get(name);
    if (!template) {
        const file = path.join(TEMPLATES_DIR, `${name}.hbs`);
        template = env.compile(fs.readFileSync(file, "utf8"), {
            noEscape: true,
            strict: true,
            preventIndent: false,
        });
        compiled.set(name, template);
    }
    // Collapse the blank lines that block helpers leave behind, so output diffs stay readable.
    return template(context).replace(/\n[ \t]*\n([ \t]*\n)+/g, "\n\n");
}
