// Types for next.config.mjs, which stays plain JavaScript so Next loads it without a build step.
import type { NextConfig } from "next";

export function securityHeaders(production: boolean): { key: string; value: string }[];
declare const nextConfig: NextConfig;
export default nextConfig;
