/** Expression syntax tree. `at`/`end` are offsets into the source, for messages. */
interface Pos {
  at: number;
  end: number;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '~' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';

export interface Call {
  args: Node[];
  kwargs: [string, Node][];
}

export type Node = Pos &
  (
    | { kind: 'literal'; value: unknown }
    | { kind: 'name'; name: string }
    | { kind: 'list'; items: Node[] }
    | { kind: 'dict'; entries: [Node, Node][] }
    | { kind: 'attr'; object: Node; name: string }
    | { kind: 'index'; object: Node; index: Node }
    | { kind: 'slice'; object: Node; start?: Node; stop?: Node; step?: Node }
    | ({ kind: 'call'; callee: Node } & Call)
    | { kind: 'unary'; op: 'not' | '-' | '+'; operand: Node }
    | { kind: 'binary'; op: BinaryOp; left: Node; right: Node }
    | { kind: 'logical'; op: 'and' | 'or'; left: Node; right: Node }
    | ({ kind: 'filter'; name: string; nameAt: number; operand: Node } & Call)
    | ({ kind: 'test'; name: string; nameAt: number; negate: boolean; operand: Node } & Call)
    | { kind: 'conditional'; test: Node; then: Node; otherwise?: Node }
  );

export type NodeOf<K extends Node['kind']> = Extract<Node, { kind: K }>;
