import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { parseSimInstant } from '../clock.ts'
import {
  ComplaintView,
  errors,
  Fen,
  Id,
  Iso,
  MerchantOrderParams,
  MerchantParams,
  OrderView,
  Perk,
  RefundView,
} from '../schemas.ts'

const tags = ['merchant']
const Node = Type.Union([
  Type.Literal('wave1Presale'),
  Type.Literal('wave1Spot'),
  Type.Literal('wave2Presale'),
  Type.Literal('wave2Spot'),
])
const Campaign = Type.Union(
  [
    'double11',
    '618',
    'double12',
    '38',
    '88',
    '99',
    'nianhuo',
    'juhuasuan',
    'billion-subsidy',
    'tiantian-temai',
    '55',
    '520',
    'bu-da-yang',
    'qinzi',
  ].map((c) => Type.Literal(c)),
)

/** Merchant API (TOP-like), every route under /merchant/:merchantId. */
export const merchantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { platform, clock } = app.d11
  app.addHook('preHandler', async () => platform.requireWorld())

  app.post(
    '/:merchantId/registrations',
    {
      schema: {
        tags,
        description:
          'Register a SKU for a Double 11 node (REG-1..4, PRICE-1/2 with the ruleset in force now). Example: {"skuId":"s-00000001","node":"wave1Spot","campaignPriceFen":499900,"crossStoreCoupon":true}',
        params: MerchantParams,
        body: Type.Object({ skuId: Id, node: Node, campaignPriceFen: Fen, crossStoreCoupon: Type.Boolean() }),
        response: {
          200: Type.Object({
            registrationId: Type.String(),
            ceilingFen: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...errors,
        },
      },
    },
    async (req) => platform.register(req.params.merchantId, req.body, clock.now()),
  )

  app.post(
    '/:merchantId/price-check',
    {
      schema: {
        tags,
        description:
          'PRICE-1/2: would this campaign price pass validation against the SKU\'s earlier campaign and daily prices? Example: {"skuId":"s-00000001","campaign":"double12","priceFen":9900}',
        params: MerchantParams,
        body: Type.Object({ skuId: Id, campaign: Campaign, priceFen: Fen }),
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            ceilingFen: Type.Union([Type.Integer(), Type.Null()]),
            source: Type.String({
              description: "the validated kind that sets the ceiling ('daily' or a campaign)",
            }),
            ruleId: Type.String(),
            reason: Type.String(),
            ruleset: Type.String({ description: 'ruleset version in force at the simulated instant' }),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      platform.merchant(req.params.merchantId)
      return platform.priceCheck(req.body.skuId, req.body.campaign, req.body.priceFen, clock.now())
    },
  )

  app.patch(
    '/:merchantId/skus/:skuId',
    {
      schema: {
        tags,
        description:
          'Change the price or perks. During a spot phase a lower price or added perks on a SKU registered for presale and spot owe every presale buyer the difference (PRICE-5). Example: {"priceFen":459900}',
        params: Type.Object({ merchantId: Id, skuId: Id }),
        body: Type.Object({
          priceFen: Type.Optional(Fen),
          perks: Type.Optional(Type.Array(Perk, { maxItems: 20 })),
        }),
        response: {
          200: Type.Object({
            skuId: Type.String(),
            priceFen: Type.Integer(),
            toHandUnitFen: Type.Integer(),
            owedFen: Type.Integer(),
            buyersOwed: Type.Integer(),
            ruleId: Type.String(),
          }),
          ...errors,
        },
      },
    },
    async (req) => platform.changePrice(req.params.merchantId, req.params.skuId, req.body, clock.now()),
  )

  app.put(
    '/:merchantId/skus/:skuId/stock',
    {
      schema: {
        tags,
        description:
          'Publish the merchant\'s stock view: the units it still has to sell. Under the `lagging` oversell policy the platform reserves against the last published figure (less the units it sells after), so units sold inside the merchant\'s sync lag are sold again and the orders past physical stock are marked oversold (PAY-3). Under `strict` and `buffered` the publication is recorded only. Example: {"available":120}',
        params: Type.Object({ merchantId: Id, skuId: Id }),
        body: Type.Object({ available: Type.Integer({ minimum: 0, maximum: 1e9 }) }),
        response: {
          200: Type.Object({
            skuId: Type.String(),
            available: Type.Integer(),
            policy: Type.String({ description: 'strict | buffered | lagging' }),
            effective: Type.Boolean({
              description: 'true under `lagging`: the platform now sells this figure',
            }),
            sellable: Type.Integer({ description: 'units the platform offers now' }),
            sold: Type.Integer(),
            publishedAt: Type.String(),
          }),
          ...errors,
        },
      },
    },
    async (req) =>
      platform.publishStock(req.params.merchantId, req.params.skuId, req.body.available, clock.now()),
  )

  app.get(
    '/:merchantId/orders',
    {
      schema: {
        tags,
        description: 'Pull orders, oldest first. Example: /merchant/m-000001/orders?status=paid&limit=100',
        params: MerchantParams,
        querystring: Type.Object({
          status: Type.Optional(
            Type.Union(
              ['created', 'deposit_paid', 'paid', 'picked_up', 'refunded'].map((s) => Type.Literal(s)),
            ),
          ),
          offset: Type.Integer({ minimum: 0, default: 0 }),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
        }),
        response: { 200: Type.Object({ orders: Type.Array(OrderView), total: Type.Integer() }), ...errors },
      },
    },
    async (req) =>
      platform.listOrders(
        req.params.merchantId,
        req.query.status as Parameters<typeof platform.listOrders>[1],
        req.query.offset,
        req.query.limit,
      ),
  )

  app.post(
    '/:merchantId/orders/:orderId/pickup',
    {
      schema: {
        tags,
        description:
          'Carrier pickup (SHIP-1: within 48 h of payment, or the negotiated time); starts the 24 h trace deadline.',
        params: MerchantOrderParams,
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) => platform.pickup(req.params.merchantId, req.params.orderId, clock.now()),
  )

  app.post(
    '/:merchantId/orders/:orderId/trace',
    {
      schema: {
        tags,
        description: 'Logistics trace update (SHIP-2: within 24 h of pickup).',
        params: MerchantOrderParams,
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) => platform.trace(req.params.merchantId, req.params.orderId, clock.now()),
  )

  app.post(
    '/:merchantId/orders/:orderId/negotiate',
    {
      schema: {
        tags,
        description:
          'Agreed new ship time replaces the deadline (SHIP-3). Example: {"shipBy":"2020-11-05T10:00:00+08:00"}',
        params: MerchantOrderParams,
        body: Type.Object({ shipBy: Iso }),
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) =>
      platform.negotiate(
        req.params.merchantId,
        req.params.orderId,
        parseSimInstant(req.body.shipBy, 'body.shipBy'),
        clock.now(),
      ),
  )

  app.post(
    '/:merchantId/orders/:orderId/delay-report',
    {
      schema: {
        tags,
        description:
          'File a delay report (SHIP-4), refused inside the no-auto-compensation window. Example: {"shipBy":"2020-11-25T10:00:00+08:00","reason":"weather"}',
        params: MerchantOrderParams,
        body: Type.Object({ shipBy: Iso, reason: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: OrderView, ...errors },
      },
    },
    async (req) =>
      platform.delayReport(
        req.params.merchantId,
        req.params.orderId,
        parseSimInstant(req.body.shipBy, 'body.shipBy'),
        clock.now(),
      ),
  )

  app.post(
    '/:merchantId/consultations/:consultationId/reply',
    {
      schema: {
        tags,
        description:
          'Reply as bot, bot-assisted human, human or auto-reply: EXP-1 counts all but auto-replies; EXP-2 times human and bot-assisted turns. Example: {"mode":"human","text":"Ships tomorrow"}',
        params: Type.Object({ merchantId: Id, consultationId: Id }),
        body: Type.Object({
          mode: Type.Union([
            Type.Literal('bot'),
            Type.Literal('bot-assisted'),
            Type.Literal('human'),
            Type.Literal('auto-reply'),
          ]),
          text: Type.String({ minLength: 1, maxLength: 2000 }),
        }),
        response: {
          200: Type.Object({
            consultationId: Type.String(),
            mode: Type.String(),
            counted: Type.Boolean(),
            manual: Type.Boolean(),
            responseMs: Type.Integer(),
          }),
          ...errors,
        },
      },
    },
    async (req) =>
      platform.reply(req.params.merchantId, req.params.consultationId, req.body.mode, clock.now()),
  )

  app.post(
    '/:merchantId/refunds/:refundId/decide',
    {
      schema: {
        tags,
        description: 'Approve or reject a pending refund. Example: {"approve":true}',
        params: Type.Object({ merchantId: Id, refundId: Id }),
        body: Type.Object({ approve: Type.Boolean() }),
        response: { 200: RefundView, ...errors },
      },
    },
    async (req) =>
      platform.decideRefund(req.params.merchantId, req.params.refundId, req.body.approve, clock.now()),
  )

  app.post(
    '/:merchantId/complaints/:complaintId/handle',
    {
      schema: {
        tags,
        description:
          'Handle a complaint within 48 h (PAY-5): accept (pays when founded) or dispute (the platform judges the facts). Example: {"action":"accept"}',
        params: Type.Object({ merchantId: Id, complaintId: Id }),
        body: Type.Object({ action: Type.Union([Type.Literal('accept'), Type.Literal('dispute')]) }),
        response: { 200: ComplaintView, ...errors },
      },
    },
    async (req) =>
      platform.handleComplaint(req.params.merchantId, req.params.complaintId, req.body.action, clock.now()),
  )

  app.post(
    '/:merchantId/complaints/:complaintId/appeal',
    {
      schema: {
        tags,
        description:
          'Appeal an upheld complaint: once per dispute, within 30 days (PAY-7). Example: {"reason":"picked up on time"}',
        params: Type.Object({ merchantId: Id, complaintId: Id }),
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: {
          200: Type.Object({ complaintId: Type.String(), overturned: Type.Boolean(), status: Type.String() }),
          ...errors,
        },
      },
    },
    async (req) => platform.appeal(req.params.merchantId, req.params.complaintId, clock.now()),
  )

  app.get(
    '/:merchantId/sla',
    {
      schema: {
        tags,
        description:
          'SLA dashboard: reply rate (EXP-1), manual response time (EXP-2), 48 h pickup rate (SHIP-1), experience score (EXP-3), payouts so far.',
        params: MerchantParams,
        response: {
          200: Type.Object({
            merchantId: Type.String(),
            simTime: Type.String(),
            replyRate: Type.Number(),
            manualResponseSec: Type.Number(),
            pickup48hRate: Type.Number(),
            experienceScore: Type.Union([Type.Number(), Type.Null()]), // null where EXP-3 (002, 2024) is not in force
            lateOrders: Type.Integer(),
            payoutsFen: Type.Integer(),
            warned: Type.Boolean(),
            removed: Type.Boolean(),
            ruleIds: Type.Array(Type.String()),
          }),
          ...errors,
        },
      },
    },
    async (req) => platform.sla(req.params.merchantId, clock.now()),
  )
}
