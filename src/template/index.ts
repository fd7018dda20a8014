/** Templates: the only module that uses handlebars. */
export { TemplateEngine, PARTIAL_EXTENSIONS } from './engine.js';
export { TemplateError, type TemplateErrorKind, type SourcePos } from './errors.js';
export { HELPER_DOCS, type HelperDoc } from './helpers/index.js';
export { JINJA_FILTER_HINTS, jinjaHint } from './hints.js';
