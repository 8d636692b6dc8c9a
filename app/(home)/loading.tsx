import { ListSkeleton } from "@/components/post-list";

export default function Loading() {
  return <ListSkeleton />;
}
