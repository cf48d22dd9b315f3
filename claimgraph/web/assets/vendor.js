// Entry of the vendor bundle: the graph libraries the network page uses, as one global (no module loader needed).
import Graph from "graphology";
import Sigma from "sigma";
import forceAtlas2 from "graphology-layout-forceatlas2";

window.ClaimgraphVendor = { Graph, Sigma, forceAtlas2 };
