/** Any /api path no route file serves: a JSON 404 (never the console's HTML page), for every method. */
export const dynamic = 'force-dynamic';

async function notFound(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  return Response.json(
    { error: `no such API path: ${pathname.slice(0, 200)}; see /api/openapi.json for the paths there are` },
    { status: 404 },
  );
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as HEAD, notFound as OPTIONS };
