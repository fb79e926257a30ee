// gray-matter requires `fs` at load time for `matter.read`, which canon never calls. The Worker has
// no file system: wrangler.jsonc aliases `fs` to this empty module (ADR-0017).
export default {};
