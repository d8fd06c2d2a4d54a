// cytoscape-elk ships no types: it is a Cytoscape extension (registered with `cytoscape.use`).
declare module "cytoscape-elk" {
  import type cytoscape from "cytoscape";

  const extension: cytoscape.Ext;
  export default extension;
}
