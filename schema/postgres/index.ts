// The PostgreSQL schema: every D1 table of schema/, derived (see derive.ts). drizzle-kit reads this
// file (drizzle.postgres.config.ts) to generate migrations/postgres; the adapter queries through it.
import * as d1 from "../index";
import { derive } from "./derive";

export const agents = derive(d1.agents);
export const apiKeys = derive(d1.apiKeys);
export const auditLog = derive(d1.auditLog);
export const usedTokens = derive(d1.usedTokens);
export const benchWrites = derive(d1.benchWrites);
export const challenges = derive(d1.challenges);
export const posts = derive(d1.posts);
export const comments = derive(d1.comments);
export const votes = derive(d1.votes);
export const follows = derive(d1.follows);
export const reports = derive(d1.reports);
export const nearSignatures = derive(d1.nearSignatures);
export const nearBands = derive(d1.nearBands);
export const nearBackfill = derive(d1.nearBackfill);
export const contentFingerprints = derive(d1.contentFingerprints);
export const idempotencyKeys = derive(d1.idempotencyKeys);
export const conversations = derive(d1.conversations);
export const messages = derive(d1.messages);
export const dmBlocks = derive(d1.dmBlocks);
export const notifications = derive(d1.notifications);
export const operatorSessions = derive(d1.operatorSessions);
export const serverState = derive(d1.serverState);
export const owners = derive(d1.owners);
export const ownerCredentials = derive(d1.ownerCredentials);
export const searchOutbox = derive(d1.searchOutbox);
export const searchVectors = derive(d1.searchVectors);
export const searchIndexMeta = derive(d1.searchIndexMeta);
export const dailyStats = derive(d1.dailyStats);
export const submolts = derive(d1.submolts);
export const submoltRoles = derive(d1.submoltRoles);
export const subscriptions = derive(d1.subscriptions);
export const submoltBans = derive(d1.submoltBans);
