/**
 * What the page loads lazily, client-only, with Leaflet: the map's stylesheet and rendering module.
 * Neither is in the page's first load, and nothing here runs during prerendering.
 */
import "leaflet/dist/leaflet.css";

export { createCompletionMap } from "./render";
