/** The shapes canonicalisation (c14n.ts) takes and returns: options, element facts, root facts. */

/** What a selector or exclusion predicate sees of an element. */
export interface ElementInfo {
  readonly qname: string;
  readonly localName: string;
  /** Namespace URI, '' when none. */
  readonly namespaceUri: string;
  /** 0 for the document element. */
  readonly depth: number;
  /** Offset of the element's '<' in the input string. */
  readonly start: number;
}

export interface C14nOptions {
  /** Keep comments (the `#WithComments` variant). Default: comments are removed. */
  readonly withComments?: boolean;
  /**
   * Leaves out the whole subtree of every element this returns true for. Asked only about
   * elements below the top of the output (the root, or the selected subtree's apex).
   */
  readonly exclude?: (el: ElementInfo) => boolean;
}

/** Facts about the document element gathered during the pass, for splicing a signature in. */
export interface RootInfo extends ElementInfo {
  /** Namespace bindings in scope on the root (prefix '' = default namespace; an empty default is left out). */
  readonly namespaces: ReadonlyMap<string, string>;
  /** The root's xml:* attributes (xml:lang, xml:space, ...), local name → normalised value. */
  readonly xmlAttributes: ReadonlyMap<string, string>;
  /** Child elements of the root, in document order. */
  readonly children: readonly ElementInfo[];
  /** Offset of the root's end tag `</…>`, or of `/>` when the root is an empty-element tag. */
  readonly endTagStart: number;
  readonly selfClosing: boolean;
}

export interface C14nResult {
  /** The canonical form. */
  readonly text: string;
  readonly root: RootInfo;
}
