import { accountRouter } from "./routers/account";
import { adminRouter } from "./routers/admin";
import { postRouter } from "./routers/post";
import { ratingRouter } from "./routers/rating";
import { tokenRouter } from "./routers/token";
import { userRouter } from "./routers/user";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  post: postRouter,
  rating: ratingRouter,
  user: userRouter,
  token: tokenRouter,
  admin: adminRouter,
  account: accountRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
