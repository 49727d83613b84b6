import { TRANSIT_BLOCKS } from './transit-fields.js';
import { recordsOf, singleOf, valueOf, type DecModel } from '../model/record.js';

/** DecSign/OperType codes that carry a 转关单 with the 报关单: B 上载, D 申报 [R]. */
export const TRANSIT_OPER_TYPES: readonly string[] = ['B', 'D'];

/** DecHead/EdiId codes of 转关提前 declarations: 3 北方转关提前, 5 南方转关提前 [R×3]. */
export const TRANSIT_EDI_IDS: readonly string[] = ['3', '5'];

/**
 * A 转关 (transit) declaration: DecHead/DeclTrnRel 1 (转关提前报关单) or DecSign/OperType B/D
 * (报关单 + 转关单). Only these carry TrnHead, TrnList, TrnContainers and TrnContaGoodsList.
 */
export function isTransitDeclaration(model: DecModel): boolean {
  return (
    valueOf(singleOf(model, 'DecHead'), 'DeclTrnRel') === '1' ||
    TRANSIT_OPER_TYPES.includes(valueOf(singleOf(model, 'DecSign'), 'OperType'))
  );
}

const TRANSIT_KEYS = new Set<string>(TRANSIT_BLOCKS.map((b) => b.key));

/** True for TrnHead, TrnList, TrnContainer and TrnContaGoods. */
export function isTransitBlock(key: string): boolean {
  return TRANSIT_KEYS.has(key);
}

/** True when any transit block has a record. */
export function hasTransitBlocks(model: DecModel): boolean {
  return TRANSIT_BLOCKS.some((b) => recordsOf(model, b.key).length > 0);
}
