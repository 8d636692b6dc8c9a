/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and WASM packages are loaded by Node at run time rather than bundled.
  serverExternalPackages: ["@electric-sql/pglite", "argon2", "postgres"],
  poweredByHeader: false,
};

export default nextConfig;
